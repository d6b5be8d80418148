package io.chronik.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.config.ServerConfig.KafkaSettings;
import io.chronik.config.ServerConfig.LogDefaults;
import io.chronik.config.ServerConfigLoader.CommandLineValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigLoaderTest {

    private static final String THREE_PEERS = """
            [[peers]]
            id = 1
            kafka = "host1:9092"
            wal = "host1:9291"
            raft = "host1:5001"

            [[peers]]
            id = 2
            kafka = "host2:9093"
            wal = "host2:9292"
            raft = "host2:5002"

            [[peers]]
            id = 3
            kafka = "host3:9094"
            wal = "host3:9293"
            raft = "host3:5003"
            """;

    @TempDir
    Path dir;

    private Path toml(String content) throws IOException {
        Path file = dir.resolve("chronik.toml");
        Files.writeString(file, content);
        return file;
    }

    private ServerConfig load(Path file) {
        return ServerConfigLoader.load(new CommandLineValues(file, null, null, null), Map.of());
    }

    private String failure(Path file) {
        return failure(new CommandLineValues(file, null, null, null), Map.of());
    }

    private static String failure(CommandLineValues values, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> ServerConfigLoader.load(values, env)).getMessage();
    }

    @Test
    void withoutConfigTheNodeIsStandaloneWithDefaults() {
        ServerConfig config = ServerConfigLoader.load(CommandLineValues.NONE, Map.of());
        assertEquals(1, config.nodeId());
        assertEquals(Path.of("data").toAbsolutePath(), config.dataDir());
        assertEquals(new HostPort("127.0.0.1", 9092), config.kafkaBind());
        assertEquals(new HostPort("127.0.0.1", 0), config.kafkaAdvertised());
        assertEquals(KafkaSettings.DEFAULT, config.kafka());
        assertEquals(LogDefaults.DEFAULT, config.logDefaults());
        assertTrue(config.cluster().isEmpty());
    }

    @Test
    void readsEveryKafkaAndLogKey() throws IOException {
        ServerConfig config = load(toml("""
                data_dir = "/var/lib/chronik"
                [kafka]
                bind = "0.0.0.0:19092"
                advertise = "broker.example.com:29092"
                max_request_bytes = 2000000
                auto_create_topics = false
                num_partitions = 6
                flusher_threads = 4
                [log]
                segment_bytes = 2097152
                segment_ms = 60000
                retention_ms = -1
                retention_bytes = 1000000000
                flush_messages = 100
                flush_ms = 500
                message_max_bytes = 5000000
                retention_check_interval_ms = 1000
                cleaner_interval_ms = 2000
                preallocate = true
                journal_bytes = 33554432
                """));
        assertEquals(Path.of("/var/lib/chronik"), config.dataDir());
        assertEquals(new HostPort("0.0.0.0", 19092), config.kafkaBind());
        assertEquals(new HostPort("broker.example.com", 29092), config.kafkaAdvertised());
        assertEquals(new KafkaSettings(2_000_000, false, 6, (short) 1, 1, 4), config.kafka());
        assertEquals(new LogDefaults(2_097_152, 60_000, -1, 1_000_000_000, 100, 500, 5_000_000, 1000, 2000, true,
                33_554_432), config.logDefaults());
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
        Path file = toml("""
                data_dir = "from-file"
                [kafka]
                bind = "127.0.0.2:9000"
                advertise = "file-host"
                """);
        ServerConfig fileOnly = ServerConfigLoader.load(new CommandLineValues(file, null, null, null), Map.of());
        assertEquals(Path.of("from-file").toAbsolutePath(), fileOnly.dataDir());
        assertEquals(new HostPort("127.0.0.2", 9000), fileOnly.kafkaBind());
        assertEquals(new HostPort("file-host", 0), fileOnly.kafkaAdvertised());

        var env = Map.of("CHRONIK_DATA_DIR", "/env/data", "CHRONIK_BIND", "127.0.0.3",
                "CHRONIK_ADVERTISE", "env-host:7000");
        ServerConfig withEnv = ServerConfigLoader.load(new CommandLineValues(file, null, null, null), env);
        assertEquals(Path.of("/env/data"), withEnv.dataDir());
        assertEquals(new HostPort("127.0.0.3", 9000), withEnv.kafkaBind(), "a host-only bind keeps the port");
        assertEquals(new HostPort("env-host", 7000), withEnv.kafkaAdvertised());

        ServerConfig withCli = ServerConfigLoader.load(
                new CommandLineValues(file, "0.0.0.0:9999", "cli-host", Path.of("/cli/data")), env);
        assertEquals(Path.of("/cli/data"), withCli.dataDir());
        assertEquals(new HostPort("0.0.0.0", 9999), withCli.kafkaBind());
        assertEquals(new HostPort("cli-host", 7000), withCli.kafkaAdvertised());
    }

    @Test
    void configFileMayComeFromTheEnvironment() throws IOException {
        Path file = toml("[kafka]\nnum_partitions = 9\n");
        ServerConfig config = ServerConfigLoader.load(CommandLineValues.NONE,
                Map.of("CHRONIK_CONFIG", file.toString()));
        assertEquals(9, config.kafka().defaultPartitions());
    }

    @Test
    void wildcardBindAdvertisesLoopbackUnlessToldOtherwise() {
        ServerConfig config = ServerConfigLoader.load(new CommandLineValues(null, "0.0.0.0", null, null), Map.of());
        assertEquals(new HostPort("0.0.0.0", 9092), config.kafkaBind());
        assertEquals(new HostPort("127.0.0.1", 0), config.kafkaAdvertised());
    }

    @Test
    void emptyEnvironmentValuesCountAsUnset() {
        ServerConfig config = ServerConfigLoader.load(CommandLineValues.NONE,
                Map.of("CHRONIK_BIND", "", "CHRONIK_DATA_DIR", " ", "CHRONIK_CONFIG", ""));
        assertEquals(new HostPort("127.0.0.1", 9092), config.kafkaBind());
        assertEquals(Path.of("data").toAbsolutePath(), config.dataDir());
    }

    @Test
    void ipv6AddressesAreAccepted() {
        ServerConfig config = ServerConfigLoader.load(new CommandLineValues(null, "[::1]:9093", "::1", null),
                Map.of());
        assertEquals(new HostPort("::1", 9093), config.kafkaBind());
        assertEquals(new HostPort("::1", 0), config.kafkaAdvertised());
    }

    @Test
    void clusterSectionIsParsedAndTheNodeBindsItsOwnKafkaPortOnAllInterfaces() throws IOException {
        ServerConfig config = load(toml("""
                enabled = true
                node_id = 2
                replication_factor = 3
                min_insync_replicas = 2
                """ + THREE_PEERS));
        assertEquals(2, config.nodeId());
        ClusterConfig cluster = config.cluster().orElseThrow();
        assertEquals(3, cluster.peers().size());
        assertEquals(new ClusterConfig.Peer(2, new HostPort("host2", 9093), new HostPort("host2", 9292),
                new HostPort("host2", 5002)), cluster.self());
        assertEquals(new HostPort("0.0.0.0", 9093), config.kafkaBind());
        assertEquals(new HostPort("host2", 9093), config.kafkaAdvertised());
        assertEquals(3, config.kafka().defaultReplicationFactor());
        assertEquals(2, config.kafka().minInsyncReplicas());
    }

    @Test
    void clusterKafkaBindCanBeOverriddenInTheFile() throws IOException {
        ServerConfig config = load(toml("""
                enabled = true
                node_id = 1
                [kafka]
                bind = "10.0.0.1"
                """ + THREE_PEERS));
        assertEquals(new HostPort("10.0.0.1", 9092), config.kafkaBind());
        assertEquals(new HostPort("host1", 9092), config.kafkaAdvertised());
        assertEquals(3, config.kafka().defaultReplicationFactor(), "default: min(3, nodes)");
        assertEquals(2, config.kafka().minInsyncReplicas(), "default: min(2, replication_factor - 1)");
    }

    @Test
    void clusterNodeBindsEveryListenerOnAllInterfacesUnlessEachBindIsOverridden() throws IOException {
        ServerConfig defaults = load(toml("enabled = true\nnode_id = 2\n" + THREE_PEERS));
        ClusterConfig cluster = defaults.cluster().orElseThrow();
        assertEquals(new HostPort("0.0.0.0", 9093), defaults.kafkaBind());
        assertEquals(new HostPort("0.0.0.0", 9292), cluster.walBind());
        assertEquals(new HostPort("0.0.0.0", 5002), cluster.raft().bind());
        assertEquals(new HostPort("0.0.0.0", 10002), defaults.admin().bind());

        ServerConfig loopback = load(toml("""
                enabled = true
                node_id = 2
                [kafka]
                bind = "127.0.0.1:9093"
                [wal]
                bind = "127.0.0.1"
                [raft]
                bind = "127.0.0.1:5002"
                [admin]
                bind = "127.0.0.1:10002"
                """ + THREE_PEERS));
        assertEquals(new HostPort("127.0.0.1", 9093), loopback.kafkaBind());
        assertEquals(new HostPort("127.0.0.1", 9292), loopback.cluster().orElseThrow().walBind(),
                "a bind without a port keeps the own peer's wal port");
        assertEquals(new HostPort("127.0.0.1", 5002), loopback.cluster().orElseThrow().raft().bind());
        assertEquals(new HostPort("127.0.0.1", 10002), loopback.admin().bind());
        assertEquals(new HostPort("host2", 9093), loopback.kafkaAdvertised(), "still advertises the peer address");
    }

    @Test
    void peersWithoutEnabledLeaveTheNodeStandalone() throws IOException {
        ServerConfig config = load(toml("node_id = 1\n" + THREE_PEERS));
        assertFalse(config.cluster().isPresent());
        assertEquals(new HostPort("127.0.0.1", 9092), config.kafkaBind());
    }

    @Test
    void readsTheGroupCoordinatorSettings() throws IOException {
        ServerConfig config = load(toml("""
                [groups]
                offsets_topic_partitions = 8
                initial_rebalance_delay_ms = 0
                min_session_timeout_ms = 1000
                max_session_timeout_ms = 20000
                max_size = 10
                offsets_retention_minutes = 60
                offsets_retention_check_interval_ms = 5000
                offset_metadata_max_bytes = 100
                offset_commit_timeout_ms = 2000
                """));
        assertEquals(new ServerConfig.GroupSettings(8, 0, 1000, 20000, 10, 3_600_000, 5000, 100, 2000),
                config.groups());
    }

    @Test
    void groupSessionTimeoutBoundsMustBeOrdered() throws IOException {
        Path file = toml("[groups]\nmin_session_timeout_ms = 9000\nmax_session_timeout_ms = 8000\n");
        assertEquals(file + ": groups.max_session_timeout_ms = 8000 is below groups.min_session_timeout_ms = 9000",
                failure(file));
    }

    @Test
    void unknownTopLevelKeyIsNamed() throws IOException {
        Path file = toml("enabeld = true\n");
        assertEquals("unknown key 'enabeld' in " + file, failure(file));
    }

    @Test
    void unknownKeyInATableIsNamedWithItsPath() throws IOException {
        Path file = toml("[kafka]\nbnd = \"127.0.0.1:9092\"\n");
        assertEquals("unknown key 'kafka.bnd' in " + file, failure(file));
    }

    @Test
    void unknownTableIsNamed() throws IOException {
        Path file = toml("[bind]\nkafka = \"0.0.0.0:9092\"\n");
        assertEquals("unknown key 'bind' in " + file, failure(file));
    }

    @Test
    void unknownKeyInAPeerNamesTheEntry() throws IOException {
        Path file = toml(THREE_PEERS.replace("raft = \"host2:5002\"", "raft = \"host2:5002\"\naddr = \"x\""));
        assertEquals("unknown key 'peers.addr' in [[peers]] entry 2 of " + file, failure(file));
    }

    @Test
    void journalBytesDefaultsTo256MibAndIsZeroOrAtLeastSixteenMib() throws IOException {
        assertEquals(268_435_456, load(toml("[log]\nsegment_ms = 60000\n")).logDefaults().journalBytes());
        assertEquals(0, load(toml("[log]\njournal_bytes = 0\n")).logDefaults().journalBytes());
        assertEquals(33_554_432, load(toml("[log]\njournal_bytes = 33554432\n")).logDefaults().journalBytes());
        Path file = toml("[log]\njournal_bytes = 1000\n");
        assertTrue(failure(file).contains("log.journal_bytes = 1000 must be 0 (no journal) or at least 16777216"),
                failure(file));
    }

    @Test
    void preallocateDefaultsToFalseAndMustBeABoolean() throws IOException {
        assertFalse(load(toml("[log]\nsegment_ms = 60000\n")).logDefaults().preallocate());
        Path file = toml("[log]\npreallocate = 1\n");
        assertEquals("'log.preallocate' in " + file + " must be true or false, got 1", failure(file));
    }

    @Test
    void wrongTypeNamesKeyValueAndExpectation() throws IOException {
        Path file = toml("[kafka]\nauto_create_topics = \"yes\"\n");
        assertEquals("'kafka.auto_create_topics' in " + file + " must be true or false, got \"yes\"",
                failure(file));
    }

    @Test
    void outOfRangeValueNamesKeyValueAndRange() throws IOException {
        Path file = toml("[kafka]\nnum_partitions = 0\n");
        assertEquals("'kafka.num_partitions' in " + file + " must be an integer >= 1, got 0", failure(file));
        Path big = toml("[log]\nsegment_bytes = 4294967296\n");
        assertTrue(failure(big).contains("'log.segment_bytes'"));
        Path nodeId = toml("node_id = 300\n");
        assertEquals("'node_id' in " + nodeId + " must be an integer in 1-255, got 300", failure(nodeId));
    }

    @Test
    void floatWhereIntegerExpectedIsRejected() throws IOException {
        Path file = toml("[log]\nretention_ms = 1.5\n");
        assertEquals("'log.retention_ms' in " + file + " must be an integer >= -1, got 1.5", failure(file));
    }

    @Test
    void malformedAddressIsRejected() throws IOException {
        Path file = toml("[kafka]\nbind = \"localhost:http\"\n");
        assertEquals("'kafka.bind' in " + file + " = 'localhost:http' has port 'http', expected a number in 0-65535",
                failure(file));
    }

    @Test
    void peerAddressNeedsAPort() throws IOException {
        Path file = toml(THREE_PEERS.replace("wal = \"host3:9293\"", "wal = \"host3\""));
        assertEquals("'peers.wal' in [[peers]] entry 3 of " + file
                + " must be host:port with a port in 1-65535, got \"host3\"", failure(file));
    }

    @Test
    void missingPeerKeyIsNamed() throws IOException {
        Path file = toml(THREE_PEERS.replace("raft = \"host1:5001\"\n", ""));
        assertEquals("missing key 'peers.raft' in [[peers]] entry 1 of " + file, failure(file));
    }

    @Test
    void duplicatePeerIdsAreRejected() throws IOException {
        Path file = toml("enabled = true\nnode_id = 1\n" + THREE_PEERS.replace("id = 3", "id = 2"));
        assertEquals(file + ": [[peers]] id 2 appears twice", failure(file));
    }

    @Test
    void duplicatePeerAddressesAreRejected() throws IOException {
        Path file = toml("enabled = true\nnode_id = 1\n" + THREE_PEERS.replace("host2:9292", "host1:9291"));
        assertEquals(file + ": [[peers]] address host1:9291 is used twice (peer 1 wal and peer 2 wal)",
                failure(file));
    }

    @Test
    void nodeIdMustBeAmongThePeers() throws IOException {
        Path file = toml("enabled = true\nnode_id = 4\n" + THREE_PEERS);
        assertEquals(file + ": node_id = 4 is not one of the [[peers]] ids (1, 2, 3)", failure(file));
    }

    @Test
    void enabledClusterNeedsNodeIdAndPeers() throws IOException {
        Path noNodeId = toml("enabled = true\n" + THREE_PEERS);
        assertTrue(failure(noNodeId).contains("enabled = true needs node_id"));
        Path noPeers = toml("enabled = true\nnode_id = 1\n");
        assertTrue(failure(noPeers).contains("enabled = true needs [[peers]]"));
    }

    @Test
    void replicationFactorCannotExceedThePeers() throws IOException {
        Path file = toml("enabled = true\nnode_id = 1\nreplication_factor = 4\n" + THREE_PEERS);
        assertEquals(file + ": replication_factor = 4 is larger than the number of nodes (3)", failure(file));
    }

    @Test
    void standaloneReplicationFactorAboveOneIsAnError() throws IOException {
        Path file = toml("replication_factor = 3\n");
        assertEquals(file + ": replication_factor = 3 is larger than the number of nodes (1)", failure(file));
    }

    @Test
    void minInsyncReplicasCannotExceedReplicationFactor() throws IOException {
        Path file = toml("enabled = true\nnode_id = 1\nreplication_factor = 2\nmin_insync_replicas = 3\n"
                + THREE_PEERS);
        assertEquals(file + ": min_insync_replicas = 3 is larger than replication_factor (2)", failure(file));
    }

    @Test
    void missingFileIsReported() {
        Path file = dir.resolve("nope.toml");
        assertEquals("config file " + file + " does not exist", failure(file));
    }

    @Test
    void directoryInsteadOfFileIsReported() {
        assertEquals("config file " + dir + " is a directory", failure(dir));
    }

    @Test
    void syntaxErrorsCarryLineAndColumn() throws IOException {
        Path file = toml("enabled = true\n[kafka]\nbind = \"127.0.0.1:9092\n");
        String message = failure(file);
        assertTrue(message.startsWith(file + ":3:"), message);
        assertTrue(message.contains("TOML syntax error"), message);
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        assertEquals("CHRONIK_BIND = 'host:99999' has port '99999', expected a number in 0-65535",
                failure(CommandLineValues.NONE, Map.of("CHRONIK_BIND", "host:99999")));
    }

    @Test
    void badCommandLineValueNamesTheOption() {
        assertEquals("--advertise = ':9092' has no host (expected host or host:port)",
                failure(new CommandLineValues(null, null, ":9092", null), Map.of()));
    }
}
