package io.chronik.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chronik.admin.AdminApiKey;
import io.chronik.testing.ChronikTestCluster;
import io.chronik.testing.ChronikTestCluster.NodeSpec;
import io.chronik.testing.ChronikTestCluster.RaftOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The operator surfaces of a three-process cluster as the cluster guide uses them: the admin API on every node, the
 * one cluster-wide key taken from node 1's log, forwarding to the Raft leader, and {@code cluster status} of both CLIs
 * before and after the leader is killed. One cluster, scenarios in order (starting JVMs dominates the time).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterAdminSurfacesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ADD_NODE = "{\"node_id\":4,\"kafka_addr\":\"127.0.0.1:1\",\"wal_addr\":\"127.0.0.1:2\","
            + "\"raft_addr\":\"127.0.0.1:3\"}";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private ChronikTestCluster cluster;
    /** The key as the guide takes it: {@code grep "Admin API key" node1.log | awk '{print $NF}'}. */
    private String key;
    private int leader;

    private record Answer(int status, JsonNode json, String servedBy) {
    }

    private record Run(int exitCode, String out, String err) {
    }

    @BeforeAll
    void startCluster() throws Exception {
        cluster = ChronikTestCluster.start(dir, 3, RaftOptions.FAST);
        leader = cluster.awaitLeader(WAIT);
        key = cluster.adminKeysInLog(1).get(0);
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void everyNodeLogsTheSameKeyOnceBeforeItStartedAndKeepsItOwnerOnly() throws IOException {
        assertTrue(key.matches("[A-Za-z0-9_-]{43}"), key);
        for (int id : cluster.nodeIds()) {
            assertEquals(List.of(key), cluster.adminKeysInLog(id), "node " + id);
            String log = cluster.log(id);
            assertTrue(log.indexOf("Admin API key: ") < log.indexOf("started: Kafka listening on"),
                    "node " + id + " logs the key before it says it started");
            assertEquals(1, cluster.log(id).split(key, -1).length - 1, "the key appears once in node " + id + "'s log");
            Path file = cluster.dataDir(id).resolve(AdminApiKey.FILE_NAME);
            assertEquals(key, Files.readString(file).strip());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rwx------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(cluster.dataDir(id).resolve("raft"))));
        }
    }

    @Test
    @Order(2)
    void everyNodeServesHealthAndStatusWithTheSameLeaderAndAllNodes() {
        for (int id : cluster.nodeIds()) {
            Answer health = get(id, "/admin/health", null);
            assertEquals(200, health.status());
            assertEquals(leader, health.json().path("leader_id").asInt(), "leader seen by node " + id);
            assertEquals(id == leader, health.json().path("is_leader").asBoolean());

            Answer status = get(id, "/admin/status", key);
            assertEquals(200, status.status(), "node 1's key on node " + id + ": " + status.json());
            assertEquals(String.valueOf(id), status.servedBy());
            assertEquals(leader, status.json().path("leader_id").asInt());
            List<String> nodes = new ArrayList<>();
            for (JsonNode node : status.json().path("nodes")) {
                assertTrue(node.path("alive").asBoolean(), node.toString());
                nodes.add(node.path("id").asInt() + "@" + node.path("admin").asText());
            }
            assertEquals(cluster.nodeIds().stream().map(n -> n + "@127.0.0.1:" + cluster.node(n).adminPort()).toList(),
                    nodes, "registered admin addresses");
        }
    }

    @Test
    @Order(3)
    void aWrongKeyIsRejectedOnEveryNode() {
        for (int id : cluster.nodeIds()) {
            Answer answer = get(id, "/admin/status", "x" + key);
            assertEquals(401, answer.status());
            assertEquals("invalid X-API-Key", answer.json().path("error").asText());
        }
    }

    @Test
    @Order(4)
    void membershipRequestsToAFollowerAreAnsweredByTheLeader() {
        for (int id : cluster.nodeIds()) {
            Answer add = post(id, "/admin/add-node", key, ADD_NODE);
            assertEquals(501, add.status(), add.json().toString());
            assertEquals("membership changes are not supported yet (add-node)", add.json().path("error").asText());
            assertEquals(String.valueOf(leader), add.servedBy(), "add-node sent to node " + id);
            Answer remove = post(id, "/admin/remove-node", key, "{\"node_id\":3}");
            assertEquals(501, remove.status());
            assertEquals(String.valueOf(leader), remove.servedBy(), "remove-node sent to node " + id);
        }
    }

    @Test
    @Order(5)
    void clusterStatusOfBothClisPrintsTheGuidesFormat() {
        String expected = expectedStatus(leader, List.of());
        for (int id : cluster.nodeIds()) {
            Run server = run(ChronikServerCli.commandLine(Map.of("CHRONIK_ADMIN_API_KEY", key), level -> { }), id);
            assertEquals(0, server.exitCode(), server.err());
            assertEquals(expected, server.out());
            Run operator = run(ChronikCli.commandLine(Map.of("CHRONIK_ADMIN_API_KEY", key)), id);
            assertEquals(0, operator.exitCode(), operator.err());
            assertEquals(expected, operator.out());
        }
    }

    @Test
    @Order(6)
    void afterTheLeaderIsKilledSurvivorsShowAndForwardToTheNewLeader() {
        int old = leader;
        cluster.kill(old);
        int survivor = cluster.runningNodeIds().get(0);
        Awaitility.await("node " + survivor + " shows a new leader and node " + old + " down").atMost(WAIT)
                .pollInterval(Duration.ofMillis(300)).until(() -> {
                    Answer status = get(survivor, "/admin/status", key);
                    int seen = status.json().path("leader_id").asInt(-1);
                    return seen > 0 && seen != old && cluster.isRunning(seen) && status.json().path("nodes")
                            .get(old - 1).path("alive").asBoolean() == false;
                });
        leader = get(survivor, "/admin/status", key).json().path("leader_id").asInt();
        for (int id : cluster.runningNodeIds()) {
            Run status = run(ChronikCli.commandLine(Map.of("CHRONIK_ADMIN_API_KEY", key)), id);
            assertEquals(0, status.exitCode(), status.err());
            assertEquals(expectedStatus(leader, List.of(old)), status.out());
            Answer add = post(id, "/admin/add-node", key, ADD_NODE);
            assertEquals(501, add.status(), add.json().toString());
            assertEquals(String.valueOf(leader), add.servedBy(), "add-node sent to node " + id);
        }
        // The killed node's conventional admin port is not the one it registered; forwarding used the registration.
        assertNotEquals(10000 + leader, cluster.node(leader).adminPort());
    }

    @Test
    @Order(7)
    void aRestartedNodeLogsTheSameKeyAgain() throws IOException {
        int down = cluster.nodeIds().stream().filter(id -> !cluster.isRunning(id)).findFirst().orElseThrow();
        long start = System.nanoTime();
        cluster.startNode(down);
        Awaitility.await("node " + down + " logs the key at its second start").atMost(WAIT)
                .until(() -> cluster.adminKeysInLog(down).size() == 2);
        assertEquals(List.of(key, key), cluster.adminKeysInLog(down));
        assertEquals(200, get(down, "/admin/status", key).status());
        assertFalse(cluster.log(down).contains("Replaced the admin key"), "no migration on a normal restart");
        System.out.printf("node %d restarted and serving the key after %d ms%n", down,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** The guide's {@code cluster status} text for this cluster, with {@code down} nodes marked. */
    private String expectedStatus(int leaderId, List<Integer> down) {
        String details = cluster.nodeIds().stream().map(cluster::node).map(n -> line(n, down.contains(n.id())))
                .collect(Collectors.joining());
        return """
                Chronik Cluster Status
                ======================

                Nodes: 3
                Leader: Node %d (elected by Raft)

                Node Details:
                %s""".formatted(leaderId, details);
    }

    private static String line(NodeSpec n, boolean down) {
        return "  Node %d: kafka=127.0.0.1:%d, wal=127.0.0.1:%d, raft=127.0.0.1:%d%s\n".formatted(n.id(),
                n.kafkaPort(), n.walPort(), n.raftPort(), down ? " (down)" : "");
    }

    private Run run(CommandLine commandLine, int node) {
        var out = new StringWriter();
        var err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute("cluster", "status", "--config", cluster.node(node).config().toString());
        return new Run(exit, out.toString(), err.toString());
    }

    private Answer get(int node, String path, String apiKey) {
        return send(node, "GET", path, apiKey, null);
    }

    private Answer post(int node, String path, String apiKey, String body) {
        return send(node, "POST", path, apiKey, body);
    }

    private Answer send(int node, String method, String path, String apiKey, String body) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.node(node).adminPort() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), JSON.readTree(response.body()),
                    response.headers().firstValue("X-Chronik-Node").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
