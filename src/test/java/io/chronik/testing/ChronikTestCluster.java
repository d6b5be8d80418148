package io.chronik.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.awaitility.Awaitility;

/**
 * A cluster of real Chronik nodes for tests: each node is its own JVM ({@code ChronikServerCli start --config
 * node<N>.toml} with the test classpath), so {@link #kill} is a real {@code kill -9}. Every port (Kafka, WAL, Raft,
 * admin) is a free 127.0.0.1 port chosen once, so a restarted node comes back on the same addresses and data dir.
 * Each node's output goes to {@code <dir>/node<N>.log}, appended across restarts.
 *
 * <p>Nodes start concurrently and {@link #start} returns when every node logged that it serves Kafka (a node does so
 * only after a Raft quorum has committed its registration). Clients made by {@link #admin} are closed by
 * {@link #close}, which also kills every node still running.
 */
public final class ChronikTestCluster implements AutoCloseable {

    /** Settings for the nodes' {@code [raft]} table; small values keep failover tests short. */
    public record RaftOptions(int electionTimeoutMs, int brokerSessionTimeoutMs, int quorumWaitMs,
            long snapshotThreshold, int logSegmentBytes) {

        public static final RaftOptions FAST = new RaftOptions(400, 3000, 3000, 10_000, 1 << 20);

        public RaftOptions withSnapshots(long threshold, int segmentBytes) {
            return new RaftOptions(electionTimeoutMs, brokerSessionTimeoutMs, quorumWaitMs, threshold, segmentBytes);
        }
    }

    /** One node's fixed addresses and files. */
    public record NodeSpec(int id, int kafkaPort, int walPort, int raftPort, int adminPort, Path config, Path log) {
        public String bootstrap() {
            return "127.0.0.1:" + kafkaPort;
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Starts of a whole cluster tried before giving up, when a node could not bind a port chosen for it. */
    private static final int START_ATTEMPTS = 3;
    /** The CLI's line once the node serves Kafka (after its registration was committed by a Raft quorum). */
    private static final String STARTED = "started: Kafka listening on";

    private final Path dir;
    private final Map<Integer, NodeSpec> nodes = new LinkedHashMap<>();
    private final Map<Integer, Process> processes = new LinkedHashMap<>();
    /** Length of each node's log when it was last launched: its "started" line must come after it. */
    private final Map<Integer, Long> logOffsets = new LinkedHashMap<>();
    private final List<AutoCloseable> clients = new ArrayList<>();

    private ChronikTestCluster(Path dir) {
        this.dir = dir;
    }

    /** Writes the configs of {@code size} nodes under {@code dir}, starts them all and waits until they serve Kafka. */
    public static ChronikTestCluster start(Path dir, int size, RaftOptions raft) throws IOException {
        return start(dir, size, raft, "");
    }

    /** Like {@link #start(Path, int, RaftOptions)}, with {@code topLevelToml} added to every node's top-level keys. */
    public static ChronikTestCluster start(Path dir, int size, RaftOptions raft, String topLevelToml)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            var cluster = new ChronikTestCluster(dir);
            try {
                cluster.configure(size, raft, topLevelToml);
                for (int id : cluster.nodes.keySet()) {
                    cluster.launch(id);
                }
                for (int id : cluster.nodes.keySet()) {
                    cluster.awaitServing(id);
                }
                return cluster;
            } catch (IOException | RuntimeException e) {
                cluster.close();
                // A port freePort() chose can be taken (as the source port of some other connection on the machine)
                // before the node binds it: start the whole cluster again, in an empty directory, on new ports.
                if (attempt < START_ATTEMPTS && String.valueOf(e.getMessage()).contains("Address already in use")) {
                    TestFiles.deleteTree(dir); // close() killed the nodes and waited for them; configure() recreates it
                    continue;
                }
                throw e;
            }
        }
    }

    private void configure(int size, RaftOptions raft, String topLevelToml) throws IOException {
        Files.createDirectories(dir);
        for (int id = 1; id <= size; id++) {
            nodes.put(id, new NodeSpec(id, freePort(), freePort(), freePort(), freePort(),
                    dir.resolve("node" + id + ".toml"), dir.resolve("node" + id + ".log")));
        }
        String peers = nodes.values().stream().map(n -> """
                [[peers]]
                id = %d
                kafka = "127.0.0.1:%d"
                wal = "127.0.0.1:%d"
                raft = "127.0.0.1:%d"
                """.formatted(n.id(), n.kafkaPort(), n.walPort(), n.raftPort())).collect(Collectors.joining("\n"));
        for (NodeSpec n : nodes.values()) {
            Files.writeString(n.config(), """
                    enabled = true
                    node_id = %d
                    data_dir = "%s"
                    %s

                    [kafka]
                    bind = "127.0.0.1"

                    [admin]
                    bind = "127.0.0.1:%d"

                    [wal]
                    bind = "127.0.0.1"

                    [raft]
                    bind = "127.0.0.1"
                    election_timeout_ms = %d
                    broker_session_timeout_ms = %d
                    quorum_wait_ms = %d
                    snapshot_threshold = %d
                    log_segment_bytes = %d

                    %s""".formatted(n.id(), dir.resolve("node" + n.id() + "-data"), topLevelToml, n.adminPort(),
                    raft.electionTimeoutMs(), raft.brokerSessionTimeoutMs(), raft.quorumWaitMs(),
                    raft.snapshotThreshold(), raft.logSegmentBytes(), peers));
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void launch(int id) throws IOException {
        NodeSpec n = node(id);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        logOffsets.put(id, Files.exists(n.log()) ? Files.size(n.log()) : 0L);
        Process process = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"),
                "io.chronik.cli.ChronikServerCli", "start", "--config", n.config().toString(), "-l", "info")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(n.log().toFile()))
                .start();
        processes.put(id, process);
    }

    private void awaitServing(int id) throws IOException {
        NodeSpec n = node(id);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Process p = processes.get(id);
            if (p == null || !p.isAlive()) {
                throw new IOException("node " + id + " exited: " + tail(id));
            }
            String log = log(id);
            if (log.indexOf(STARTED, (int) Math.min(log.length(), logOffsets.getOrDefault(id, 0L))) >= 0) {
                return;
            }
            sleep(100);
        }
        throw new IOException("node " + id + " did not serve Kafka within " + START_TIMEOUT + ": " + tail(id));
    }

    public NodeSpec node(int id) {
        NodeSpec n = nodes.get(id);
        if (n == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return n;
    }

    public List<Integer> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    public boolean isRunning(int id) {
        Process p = processes.get(id);
        return p != null && p.isAlive();
    }

    public List<Integer> runningNodeIds() {
        return nodes.keySet().stream().filter(this::isRunning).toList();
    }

    /** Starts a stopped or killed node on its data dir and addresses; returns once it serves Kafka. */
    public void startNode(int id) throws IOException {
        if (isRunning(id)) {
            throw new IllegalStateException("node " + id + " is running");
        }
        launch(id);
        awaitServing(id);
    }

    /** Starts a stopped node without waiting for it to serve Kafka (which needs a quorum). */
    public void launchNode(int id) throws IOException {
        if (isRunning(id)) {
            throw new IllegalStateException("node " + id + " is running");
        }
        launch(id);
    }

    /** Waits until a node launched with {@link #launchNode} serves Kafka. */
    public void awaitNodeServing(int id) throws IOException {
        awaitServing(id);
    }

    /** Stops a node gracefully (SIGTERM) and waits for its process to end. */
    public void stop(int id) {
        Process p = processes.get(id);
        if (p != null && p.isAlive()) {
            p.destroy();
            waitFor(p, id);
        }
    }

    /** Kills a node (SIGKILL): no shutdown hook, no flush. */
    public void kill(int id) {
        Process p = processes.get(id);
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            waitFor(p, id);
        }
    }

    /** Stops (gracefully) and starts a node again. */
    public void restart(int id) throws IOException {
        stop(id);
        startNode(id);
    }

    private static void waitFor(Process p, int id) {
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted stopping node " + id, e);
        }
    }

    /** Everything node {@code id} has logged so far (all its runs). */
    public String log(int id) {
        try {
            return Files.exists(node(id).log()) ? Files.readString(node(id).log()) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Node {@code id}'s data dir. */
    public Path dataDir(int id) {
        return dir.resolve("node" + node(id).id() + "-data");
    }

    /**
     * What the cluster guide's recipe {@code grep "Admin API key" <log> | awk '{print $NF}'} prints for node
     * {@code id}'s log (all its runs): one key per line that contains the phrase.
     */
    public List<String> adminKeysInLog(int id) {
        return log(id).lines().filter(line -> line.contains("Admin API key"))
                .map(line -> line.substring(line.stripTrailing().lastIndexOf(' ') + 1).strip())
                .toList();
    }

    private String tail(int id) {
        String log = log(id);
        return log.length() > 4000 ? "..." + log.substring(log.length() - 4000) : log;
    }

    /** An admin client bootstrapped to node {@code id} only. */
    public Admin admin(int id) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node(id).bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        Admin admin = Admin.create(p);
        clients.add(admin);
        return admin;
    }

    /**
     * The controller (Raft leader) node {@code id} reports in Kafka Metadata, or -1 when it reports none or cannot
     * be asked.
     */
    public int controllerSeenBy(int id) {
        if (!isRunning(id)) {
            return -1;
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node(id).bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        try (Admin admin = Admin.create(p)) {
            Node controller = admin.describeCluster().controller().get(3, TimeUnit.SECONDS);
            return controller == null || controller.isEmpty() ? -1 : controller.id();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Waits until every running node reports the same running controller, and returns it. */
    public int awaitLeader(Duration timeout) {
        int[] leader = {-1};
        Awaitility.await("one Raft leader seen by all running nodes").atMost(timeout)
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    List<Integer> running = runningNodeIds();
                    int first = controllerSeenBy(running.get(0));
                    if (first < 0 || !running.contains(first)) {
                        return false;
                    }
                    for (int id : running.subList(1, running.size())) {
                        if (controllerSeenBy(id) != first) {
                            return false;
                        }
                    }
                    leader[0] = first;
                    return true;
                });
        return leader[0];
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Closes every client, then kills every running node. */
    @Override
    public void close() {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a client of a dead node
            }
        }
        clients.clear();
        for (int id : processes.keySet()) {
            kill(id);
        }
    }
}
