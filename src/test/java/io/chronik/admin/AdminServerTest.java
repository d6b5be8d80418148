package io.chronik.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.admin.AdminHttp.Answer;
import io.chronik.config.ClusterConfig;
import io.chronik.config.ClusterConfig.Peer;
import io.chronik.config.HostPort;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataImage.BrokerInfo;
import io.chronik.metadata.PartitionImage;
import io.chronik.metadata.TopicImage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin API of one node of a three-node cluster, over real HTTP, with a metadata image the test controls. */
class AdminServerTest {

    private static final String KEY = "test-key-0123456789abcdef";
    private static final ClusterConfig CLUSTER = new ClusterConfig(1, List.of(
            peer(2), peer(1), peer(3)));

    private final AtomicReference<MetadataImage> image = new AtomicReference<>(image(1, 1, 2));
    private AdminServer server;
    private int port;

    private static Peer peer(int id) {
        return new Peer(id, new HostPort("localhost", 9091 + id), new HostPort("localhost", 9290 + id),
                new HostPort("localhost", 5000 + id));
    }

    /** Node 1's view: controller {@code controller}, live brokers {@code alive}, topics "b" (2 partitions), "a". */
    private static MetadataImage image(int controller, Integer... alive) {
        var brokers = new java.util.HashMap<Integer, BrokerInfo>();
        for (int id : alive) {
            brokers.put(id, new BrokerInfo(id, "localhost", 9091 + id, null, new HostPort("localhost", 10000 + id)));
        }
        var b = new TopicImage("b", UUID.randomUUID(), List.of(
                new PartitionImage(0, 2, 0, List.of(2, 3, 1), List.of(2, 1)),
                new PartitionImage(1, -1, 0, List.of(3, 1, 2), List.of())), Map.of());
        var a = new TopicImage("a", UUID.randomUUID(), List.of(
                new PartitionImage(0, 1, 3, List.of(1, 2, 3), List.of(1, 2, 3))), Map.of());
        return new MetadataImage("cluster", controller, brokers, Map.of("b", b, "a", a), 0);
    }

    @BeforeEach
    void start() throws IOException {
        server = AdminServer.start(new HostPort("127.0.0.1", 0), AdminApiKey.of(KEY), ClusterMembers.of(CLUSTER),
                image::get, id -> Optional.empty());
        port = server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void healthNeedsNoKey() {
        Answer answer = AdminHttp.get(port, "/admin/health", null);
        assertEquals(200, answer.status());
        assertEquals("{\"status\":\"ok\",\"node_id\":1,\"is_leader\":true,\"leader_id\":1}", answer.raw().body());
        assertEquals("application/json", answer.raw().headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void healthReportsAnotherLeaderAndNoLeader() {
        image.set(image(3, 1, 2, 3));
        assertEquals("{\"status\":\"ok\",\"node_id\":1,\"is_leader\":false,\"leader_id\":3}",
                AdminHttp.get(port, "/admin/health", null).raw().body());
        image.set(image(-1, 1));
        assertEquals("{\"status\":\"ok\",\"node_id\":1,\"is_leader\":false,\"leader_id\":null}",
                AdminHttp.get(port, "/admin/health", null).raw().body());
    }

    @Test
    void statusWithoutKeyIs401WithJsonError() {
        Answer answer = AdminHttp.get(port, "/admin/status", null);
        assertEquals(401, answer.status());
        assertEquals("missing X-API-Key header", answer.error());
    }

    @Test
    void statusWithWrongKeyIs401() {
        Answer answer = AdminHttp.get(port, "/admin/status", KEY + "x");
        assertEquals(401, answer.status());
        assertEquals("invalid X-API-Key", answer.error());
        assertEquals(401, AdminHttp.get(port, "/admin/status", "").status());
    }

    @Test
    void membershipEndpointsNeedTheKeyBeforeAnythingElse() {
        assertEquals(401, AdminHttp.post(port, "/admin/add-node", null, "not json").status());
        assertEquals(401, AdminHttp.post(port, "/admin/remove-node", "wrong", "{\"node_id\":4}").status());
    }

    @Test
    void statusListsNodesLeaderAndSortedPartitions() {
        Answer answer = AdminHttp.get(port, "/admin/status", KEY);
        assertEquals(200, answer.status());
        assertEquals("{\"node_id\":1,\"raft\":true,\"leader_id\":1,\"nodes\":["
                + "{\"id\":1,\"kafka\":\"localhost:9092\",\"wal\":\"localhost:9291\",\"raft\":\"localhost:5001\","
                + "\"alive\":true,\"admin\":\"localhost:10001\"},"
                + "{\"id\":2,\"kafka\":\"localhost:9093\",\"wal\":\"localhost:9292\",\"raft\":\"localhost:5002\","
                + "\"alive\":true,\"admin\":\"localhost:10002\"},"
                + "{\"id\":3,\"kafka\":\"localhost:9094\",\"wal\":\"localhost:9293\",\"raft\":\"localhost:5003\","
                + "\"alive\":false,\"admin\":null}],"
                + "\"partitions\":["
                + "{\"topic\":\"a\",\"partition\":0,\"leader\":1,\"replicas\":[1,2,3],\"isr\":[1,2,3]},"
                + "{\"topic\":\"b\",\"partition\":0,\"leader\":2,\"replicas\":[2,3,1],\"isr\":[2,1]},"
                + "{\"topic\":\"b\",\"partition\":1,\"leader\":null,\"replicas\":[3,1,2],\"isr\":[]}]}",
                answer.raw().body());
    }

    @Test
    void statusIsAnsweredLocallyWithoutALeader() {
        image.set(image(-1, 1));
        Answer answer = AdminHttp.get(port, "/admin/status", KEY);
        assertEquals(200, answer.status());
        assertTrue(answer.json().get("leader_id").isNull(), answer.raw().body());
    }

    @Test
    void validAddNodeOnTheLeaderIsNotSupportedYet() {
        Answer answer = AdminHttp.post(port, "/admin/add-node", KEY, "{\"node_id\":4,\"kafka_addr\":\"host4:9092\","
                + "\"wal_addr\":\"host4:9291\",\"raft_addr\":\"host4:5001\"}");
        assertEquals(501, answer.status());
        assertEquals("membership changes are not supported yet (add-node)", answer.error());
    }

    @Test
    void validRemoveNodeOnTheLeaderIsNotSupportedYet() {
        Answer answer = AdminHttp.post(port, "/admin/remove-node", KEY, "{\"node_id\": 4, \"force\": false}");
        assertEquals(501, answer.status());
        assertEquals("membership changes are not supported yet (remove-node)", answer.error());
        assertEquals(501, AdminHttp.post(port, "/admin/remove-node", KEY, "{\"node_id\":3}").status());
    }

    @Test
    void malformedJsonIs400WithItsLocation() {
        Answer answer = AdminHttp.post(port, "/admin/add-node", KEY, "{\"node_id\": 4,\n \"kafka_addr\": }");
        assertEquals(400, answer.status());
        assertTrue(answer.error().startsWith("invalid JSON at line 2, column 16: Unexpected character ('}'"),
                answer.error());
    }

    @Test
    void badBodiesAre400NamingTheField() {
        String addr = ",\"kafka_addr\":\"h:9092\",\"wal_addr\":\"h:9291\",\"raft_addr\":\"h:5001\"}";
        assertBadRequest("/admin/add-node", "{\"node_id\":4,\"kafka_addr\":\"h:9092\",\"raft_addr\":\"h:5001\"}",
                "missing field 'wal_addr'");
        assertBadRequest("/admin/add-node", "{" + addr.substring(1), "missing field 'node_id'");
        assertBadRequest("/admin/add-node", "{\"node_id\":\"4\"" + addr,
                "field 'node_id' must be an integer 1-255, got \"4\"");
        assertBadRequest("/admin/add-node", "{\"node_id\":256" + addr, "field 'node_id' must be an integer 1-255, "
                + "got 256");
        assertBadRequest("/admin/add-node", "{\"node_id\":4.5" + addr, "field 'node_id' must be an integer 1-255, "
                + "got 4.5");
        assertBadRequest("/admin/add-node", "{\"node_id\":4,\"kafka_addr\":\"h\",\"wal_addr\":\"h:9291\","
                + "\"raft_addr\":\"h:5001\"}", "field 'kafka_addr' must be host:port with a port in 1-65535, got \"h\"");
        assertBadRequest("/admin/add-node", "{\"node_id\":4,\"kafka_addr\":\"h:9092\",\"wal_addr\":9291,"
                + "\"raft_addr\":\"h:5001\"}", "field 'wal_addr' must be a \"host:port\" string, got 9291");
        assertBadRequest("/admin/add-node", "{\"node_id\":4,\"port\":1" + addr.substring(0, addr.length() - 1)
                + "}", "unknown field 'port' (expected node_id, kafka_addr, wal_addr, raft_addr)");
        assertBadRequest("/admin/remove-node", "{\"node_id\":4,\"force\":\"yes\"}",
                "field 'force' must be true or false, got \"yes\"");
        assertBadRequest("/admin/remove-node", "[4]", "the body must be a JSON object with node_id, force, got [4]");
        assertBadRequest("/admin/remove-node", "", "the body is empty; expected a JSON object");
        assertBadRequest("/admin/remove-node", "{\"node_id\":4} {}",
                "invalid JSON at line 1, column 15: unexpected content after the end of the value");
    }

    private void assertBadRequest(String path, String body, String error) {
        Answer answer = AdminHttp.post(port, path, KEY, body);
        assertEquals(400, answer.status(), body);
        assertEquals(error, answer.error(), body);
    }

    @Test
    void unknownPathIs404Json() {
        Answer answer = AdminHttp.get(port, "/admin/stats", KEY);
        assertEquals(404, answer.status());
        assertEquals("no such endpoint: GET /admin/stats (the admin API has GET /admin/health, GET /admin/status, "
                + "POST /admin/add-node, POST /admin/remove-node)", answer.error());
        assertEquals(404, AdminHttp.get(port, "/", null).status());
    }

    @Test
    void wrongMethodIs405JsonWithAllow() {
        Answer answer = AdminHttp.post(port, "/admin/status", KEY, "{}");
        assertEquals(405, answer.status());
        assertEquals("POST is not allowed on /admin/status; use GET", answer.error());
        assertEquals("GET", answer.raw().headers().firstValue("Allow").orElseThrow());
        assertEquals(405, AdminHttp.get(port, "/admin/add-node", KEY).status());
        assertEquals(405, AdminHttp.send(port, "DELETE", "/admin/health", null, null).status());
    }

    @Test
    void membershipChangeWithoutALeaderIs503() {
        image.set(image(-1, 1));
        Answer answer = AdminHttp.post(port, "/admin/remove-node", KEY, "{\"node_id\":2}");
        assertEquals(503, answer.status());
        assertEquals("no Raft leader (waiting for quorum)", answer.error());
    }

    @Test
    void oversizedBodyIs413() {
        Answer answer = AdminHttp.post(port, "/admin/add-node", KEY, " ".repeat(AdminRoutes.MAX_BODY_BYTES + 1));
        assertEquals(413, answer.status());
        assertFalse(answer.error().isEmpty());
    }
}
