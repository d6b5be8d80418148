package io.chronik.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chronik.admin.AdminApiKey;
import io.chronik.testing.ChronikTestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cluster ...} of both CLIs against a running standalone node, compared as exact text. */
class ClusterCommandTest {

    @TempDir
    static Path dir;
    private static ChronikTestServer server;
    private static String key;

    private record Run(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void startServer() throws Exception {
        server = ChronikTestServer.start(dir.resolve("data"));
        key = Files.readString(server.dataDir().resolve(AdminApiKey.FILE_NAME)).strip();
        server.admin().createTopics(List.of(new NewTopic("orders", 2, (short) 1), new NewTopic("audit", 1, (short) 1)))
                .all().get();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static Run run(Function<Map<String, String>, CommandLine> cli, Map<String, String> env, String... args) {
        CommandLine commandLine = cli.apply(env);
        var out = new StringWriter();
        var err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return new Run(commandLine.execute(args), out.toString(), err.toString());
    }

    private static Run serverCli(Map<String, String> env, String... args) {
        return run(e -> ChronikServerCli.commandLine(e, level -> { }), env, args);
    }

    private static Run operatorCli(Map<String, String> env, String... args) {
        return run(ChronikCli::commandLine, env, args);
    }

    private static String admin() {
        return "127.0.0.1:" + server.adminPort();
    }

    private static String expectedStatus() {
        return """
                Chronik Cluster Status
                ======================

                Nodes: 1
                Leader: Node 1 (standalone)

                Node Details:
                  Node 1: kafka=127.0.0.1:%d

                Partition Assignments:
                  audit-0: leader=1, replicas=[1], ISR=[1]
                  orders-0: leader=1, replicas=[1], ISR=[1]
                  orders-1: leader=1, replicas=[1], ISR=[1]
                """.formatted(server.port());
    }

    @Test
    void serverCliPrintsTheStatus() {
        Run run = serverCli(Map.of("CHRONIK_ADMIN_API_KEY", key), "cluster", "status", "--admin", admin());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(expectedStatus(), run.out());
        assertEquals("", run.err());
    }

    @Test
    void operatorCliPrintsTheSameStatusFindingTheNodeFromItsConfig() throws IOException {
        Path config = Files.writeString(dir.resolve("node.toml"), "[admin]\nbind = \"" + admin() + "\"\n");
        Run run = operatorCli(Map.of("CHRONIK_ADMIN_API_KEY", key), "cluster", "status", "--config",
                config.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(expectedStatus(), run.out());
    }

    @Test
    void internalTopicsAreListedOnRequest() throws Exception {
        // The first FindCoordinator creates __consumer_offsets.
        server.admin().listConsumerGroupOffsets("cluster-command-test").partitionsToOffsetAndMetadata().get();
        Run run = serverCli(Map.of("CHRONIK_ADMIN_API_KEY", key), "cluster", "status", "--internal", "--admin",
                admin());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(true, run.out().contains("\n  __consumer_offsets-0: leader=1, replicas=[1], ISR=[1]\n"),
                run.out());
    }

    @Test
    void downNodeIsOneErrorLine() throws IOException {
        int closed;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("down.toml"), """
                enabled = true
                node_id = 2
                [admin]
                bind = "127.0.0.1:%d"
                [[peers]]
                id = 1
                kafka = "localhost:19092"
                wal = "localhost:19291"
                raft = "localhost:15001"
                [[peers]]
                id = 2
                kafka = "localhost:19093"
                wal = "localhost:19292"
                raft = "localhost:15002"
                """.formatted(closed));
        Run run = serverCli(Map.of("CHRONIK_ADMIN_API_KEY", key), "cluster", "status", "--config", config.toString());
        assertEquals(1, run.exitCode());
        assertEquals("error: cannot reach the admin API of node 2 at localhost:" + closed + ": connection refused\n",
                run.err());
        assertEquals("", run.out());
    }

    @Test
    void missingKeyIsOneErrorLineSayingWhereTheKeyIs() {
        Run run = operatorCli(Map.of(), "cluster", "status", "--admin", admin());
        assertEquals(1, run.exitCode());
        assertEquals("error: CHRONIK_ADMIN_API_KEY is not set; the key is in the node's log: export "
                + "CHRONIK_ADMIN_API_KEY=$(grep \"Admin API key\" <node log> | awk '{print $NF}')\n", run.err());
    }

    @Test
    void wrongKeyIsOneErrorLine() {
        Run run = serverCli(Map.of("CHRONIK_ADMIN_API_KEY", "wrong"), "cluster", "status", "--admin", admin());
        assertEquals(1, run.exitCode());
        assertEquals("error: the admin API at " + admin() + " rejected the key (invalid X-API-Key); set "
                + "CHRONIK_ADMIN_API_KEY to the key in the node's log: grep \"Admin API key\" <node log> | "
                + "awk '{print $NF}'\n", run.err());
    }

    @Test
    void addNodePrintsTheServersAnswer() {
        Run run = serverCli(Map.of("CHRONIK_ADMIN_API_KEY", key), "cluster", "add-node", "4", "--kafka",
                "host4:9092", "--wal", "host4:9291", "--raft", "host4:5001", "--admin", admin());
        assertEquals(1, run.exitCode());
        assertEquals("error: the admin API at " + admin() + " answered 501: membership changes are not supported "
                + "yet (add-node)\n", run.err());
    }

    @Test
    void removeNodePrintsTheServersAnswer() {
        Run run = operatorCli(Map.of("CHRONIK_ADMIN_API_KEY", key), "cluster", "remove-node", "4", "--force",
                "--admin", admin());
        assertEquals(1, run.exitCode());
        assertEquals("error: the admin API at " + admin() + " answered 501: membership changes are not supported "
                + "yet (remove-node)\n", run.err());
    }

    @Test
    void serverValidationReachesTheOperator() {
        Run run = operatorCli(Map.of("CHRONIK_ADMIN_API_KEY", key), "cluster", "remove-node", "0", "--admin",
                admin());
        assertEquals(1, run.exitCode());
        assertEquals("error: the admin API at " + admin() + " answered 400: field 'node_id' must be an integer "
                + "1-255, got 0\n", run.err());
    }

    @Test
    void clusterWithoutSubcommandIsAUsageError() {
        Run run = operatorCli(Map.of(), "cluster");
        assertEquals(1, run.exitCode());
        assertEquals("error: missing command: status, add-node or remove-node (see 'chronik cluster --help')\n",
                run.err());
    }
}
