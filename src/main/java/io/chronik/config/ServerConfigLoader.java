package io.chronik.config;

import io.chronik.config.ClusterConfig.Peer;
import io.chronik.config.ServerConfig.GroupSettings;
import io.chronik.config.ServerConfig.KafkaSettings;
import io.chronik.config.ServerConfig.LogDefaults;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Builds the validated {@link ServerConfig} of a node from, in increasing precedence: defaults, the TOML config
 * file, the environment, and the command line. The file is {@code --config}, else {@code CHRONIK_CONFIG}; without
 * one the node is standalone with every setting at its default. The keys are documented in
 * {@code docs/configuration.md}. Any mistake stops loading with one {@link ConfigException} naming it.
 */
public final class ServerConfigLoader {

    /** Default Kafka listener of a standalone node. */
    public static final HostPort STANDALONE_KAFKA_BIND = new HostPort("127.0.0.1", 9092);
    /** Default data directory, relative to the working directory. */
    public static final String DEFAULT_DATA_DIR = "./data";

    private static final int MAX_NODE_ID = 255;

    /**
     * Values given on the command line; null means "not given".
     *
     * @param configFile {@code -c/--config}
     * @param bind       {@code --bind}, host or host:port
     * @param advertise  {@code --advertise}, host or host:port
     * @param dataDir    {@code -d/--data-dir}
     */
    public record CommandLineValues(Path configFile, String bind, String advertise, Path dataDir) {
        public static final CommandLineValues NONE = new CommandLineValues(null, null, null, null);
    }

    private ServerConfigLoader() {
    }

    /**
     * Loads the configuration.
     *
     * @param commandLine values from the command line
     * @param env         the environment (normally {@code System.getenv()}); empty values count as unset
     * @throws ConfigException naming the first bad key, value, variable or file
     */
    public static ServerConfig load(CommandLineValues commandLine, Map<String, String> env) {
        Path configFile = commandLine.configFile() != null
                ? commandLine.configFile()
                : Optional.ofNullable(nonEmpty(env, "CHRONIK_CONFIG")).map(Path::of).orElse(null);
        Optional<TomlSection> file = Optional.ofNullable(configFile).map(TomlSection::read);
        file.ifPresent(f -> f.rejectUnknownKeys("enabled", "node_id", "replication_factor", "min_insync_replicas",
                "replica_lag_time_max_ms",
                "peers", "data_dir", "kafka", "log", "admin", "raft", "wal", "groups"));
        Optional<TomlSection> kafkaTable = file.flatMap(f -> f.table("kafka"));
        kafkaTable.ifPresent(k -> k.rejectUnknownKeys("bind", "advertise", "max_request_bytes", "auto_create_topics",
                "num_partitions", "flusher_threads"));
        Optional<TomlSection> logTable = file.flatMap(f -> f.table("log"));
        logTable.ifPresent(l -> l.rejectUnknownKeys("segment_bytes", "segment_ms", "retention_ms", "retention_bytes",
                "flush_messages", "flush_ms", "message_max_bytes", "retention_check_interval_ms",
                "cleaner_interval_ms", "preallocate", "journal_bytes"));

        Optional<TomlSection> groupsTable = file.flatMap(f -> f.table("groups"));
        groupsTable.ifPresent(g -> g.rejectUnknownKeys("offsets_topic_partitions", "initial_rebalance_delay_ms",
                "min_session_timeout_ms", "max_session_timeout_ms", "max_size", "offsets_retention_minutes",
                "offsets_retention_check_interval_ms", "offset_metadata_max_bytes", "offset_commit_timeout_ms"));
        GroupSettings groups = groupsTable.map(ServerConfigLoader::groupSettings).orElse(GroupSettings.DEFAULT);

        Optional<TomlSection> adminTable = file.flatMap(f -> f.table("admin"));
        adminTable.ifPresent(a -> a.rejectUnknownKeys("bind"));

        Optional<TomlSection> raftTable = file.flatMap(f -> f.table("raft"));
        raftTable.ifPresent(r -> r.rejectUnknownKeys("bind", "election_timeout_ms", "quorum_wait_ms",
                "broker_session_timeout_ms", "snapshot_threshold", "log_segment_bytes"));
        Optional<TomlSection> walTable = file.flatMap(f -> f.table("wal"));
        walTable.ifPresent(w -> w.rejectUnknownKeys("bind"));
        Membership membership = file.map(f -> membership(f, raftTable, walTable)).orElse(Membership.STANDALONE);
        Optional<ClusterConfig> cluster = membership.cluster();
        KafkaSettings kafka = kafkaSettings(kafkaTable, file, membership);
        LogDefaults logDefaults = logTable.map(ServerConfigLoader::logDefaults).orElse(LogDefaults.DEFAULT);

        Path dataDir = dataDir(commandLine, env, file);

        HostPort bind = cluster.map(c -> new HostPort("0.0.0.0", c.self().kafka().port()))
                .orElse(STANDALONE_KAFKA_BIND);
        bind = applyOverrides(bind, kafkaTable.flatMap(k -> k.address("bind")), env, "CHRONIK_BIND",
                commandLine.bind(), "--bind");
        HostPort advertised = cluster.map(c -> c.self().kafka())
                .orElse(new HostPort(ServerConfig.advertisedHostFor(bind.host()), 0));
        advertised = applyOverrides(advertised, kafkaTable.flatMap(k -> k.address("advertise")), env,
                "CHRONIK_ADVERTISE", commandLine.advertise(), "--advertise");

        AdminSettings adminDefaults = AdminSettings.defaultsFor(membership.nodeId(), bind);
        HostPort adminBind = applyOverrides(adminDefaults.bind(), adminTable.flatMap(a -> a.address("bind")), env,
                "CHRONIK_ADMIN_BIND", null, null);
        var admin = new AdminSettings(adminBind, Optional.ofNullable(nonEmpty(env, "CHRONIK_ADMIN_API_KEY")));

        var replication = new ServerConfig.ReplicationSettings(file.flatMap(f -> f.integer("replica_lag_time_max_ms",
                1000, Long.MAX_VALUE)).orElse(ServerConfig.ReplicationSettings.DEFAULT.replicaLagTimeMaxMs()));

        return new ServerConfig(membership.nodeId(), dataDir, bind, advertised, kafka, logDefaults, cluster)
                .withAdmin(admin).withReplication(replication).withGroups(groups);
    }

    /** The top-level cluster keys, validated together. */
    private record Membership(int nodeId, int nodes, Optional<ClusterConfig> cluster) {
        static final Membership STANDALONE = new Membership(1, 1, Optional.empty());
    }

    private static Membership membership(TomlSection file, Optional<TomlSection> raftTable,
            Optional<TomlSection> walTable) {
        boolean enabled = file.bool("enabled").orElse(false);
        Optional<Integer> nodeId = file.intValue("node_id", 1, MAX_NODE_ID);
        List<Peer> peers = peers(file);
        if (nodeId.isPresent() && !peers.isEmpty() && peers.stream().noneMatch(p -> p.id() == nodeId.get())) {
            throw new ConfigException(file.location() + ": node_id = " + nodeId.get()
                    + " is not one of the [[peers]] ids (" + peers.stream().map(p -> String.valueOf(p.id()))
                    .collect(Collectors.joining(", ")) + ")");
        }
        if (!enabled) {
            return new Membership(nodeId.orElse(1), 1, Optional.empty());
        }
        if (nodeId.isEmpty()) {
            throw new ConfigException(file.location() + ": enabled = true needs node_id (this node's id, 1-"
                    + MAX_NODE_ID + ", one of the [[peers]] ids)");
        }
        if (peers.isEmpty()) {
            throw new ConfigException(file.location() + ": enabled = true needs [[peers]] tables listing every node "
                    + "of the cluster, this one included");
        }
        int raftPort = peers.stream().filter(p -> p.id() == nodeId.get()).findFirst().orElseThrow().raft().port();
        RaftSettings raft = raftTable.map(r -> raftSettings(r, raftPort)).orElse(RaftSettings.defaults(raftPort));
        HostPort walDefault = ClusterConfig.defaultWalBind(nodeId.get(), peers);
        HostPort walBind = walTable.flatMap(w -> w.address("bind")).map(a -> a.over(walDefault)).orElse(walDefault);
        return new Membership(nodeId.get(), peers.size(),
                Optional.of(new ClusterConfig(nodeId.get(), peers, raft, walBind)));
    }

    private static RaftSettings raftSettings(TomlSection raft, int raftPort) {
        RaftSettings d = RaftSettings.defaults(raftPort);
        return new RaftSettings(
                raft.address("bind").map(a -> a.over(d.bind())).orElse(d.bind()),
                raft.intValue("election_timeout_ms", 50, 60_000).orElse(d.electionTimeoutMs()),
                raft.intValue("quorum_wait_ms", 100, 600_000).orElse(d.quorumWaitMs()),
                raft.intValue("broker_session_timeout_ms", 500, 600_000).orElse(d.brokerSessionTimeoutMs()),
                raft.integer("snapshot_threshold", 1, Long.MAX_VALUE).orElse(d.snapshotThreshold()),
                raft.intValue("log_segment_bytes", 4096, 1 << 30).orElse(d.logSegmentBytes()));
    }

    private static List<Peer> peers(TomlSection file) {
        var peers = file.arrayOfTables("peers").stream().map(ServerConfigLoader::peer).toList();
        var ids = new HashSet<Integer>();
        var addresses = new HashMap<String, String>();
        for (Peer peer : peers) {
            if (!ids.add(peer.id())) {
                throw new ConfigException(file.location() + ": [[peers]] id " + peer.id() + " appears twice");
            }
            for (var endpoint : List.of(Map.entry("kafka", peer.kafka()), Map.entry("wal", peer.wal()),
                    Map.entry("raft", peer.raft()))) {
                String key = endpoint.getValue().toString().toLowerCase(Locale.ROOT);
                String owner = "peer " + peer.id() + " " + endpoint.getKey();
                String previous = addresses.putIfAbsent(key, owner);
                if (previous != null) {
                    throw new ConfigException(file.location() + ": [[peers]] address " + endpoint.getValue()
                            + " is used twice (" + previous + " and " + owner + ")");
                }
            }
        }
        return peers;
    }

    private static Peer peer(TomlSection table) {
        table.rejectUnknownKeys("id", "kafka", "wal", "raft");
        return new Peer(
                table.intValue("id", 1, MAX_NODE_ID).orElseThrow(() -> missing(table, "id")),
                table.hostPort("kafka").orElseThrow(() -> missing(table, "kafka")),
                table.hostPort("wal").orElseThrow(() -> missing(table, "wal")),
                table.hostPort("raft").orElseThrow(() -> missing(table, "raft")));
    }

    private static ConfigException missing(TomlSection table, String key) {
        return new ConfigException("missing key '" + table.path(key) + "' in " + table.location());
    }

    private static KafkaSettings kafkaSettings(Optional<TomlSection> kafkaTable, Optional<TomlSection> file,
                                               Membership membership) {
        KafkaSettings d = KafkaSettings.DEFAULT;
        int nodes = membership.nodes();
        int defaultReplication = membership.cluster().isPresent() ? Math.min(3, nodes) : d.defaultReplicationFactor();
        int replicationFactor = file.flatMap(f -> f.intValue("replication_factor", 1, Short.MAX_VALUE))
                .orElse(defaultReplication);
        String where = file.map(f -> f.location() + ": ").orElse("");
        if (replicationFactor > nodes) {
            throw new ConfigException(where + "replication_factor = " + replicationFactor
                    + " is larger than the number of nodes (" + nodes + ")");
        }
        int defaultMinInsync = membership.cluster().isPresent()
                ? Math.max(1, Math.min(2, replicationFactor - 1)) : d.minInsyncReplicas();
        int minInsync = file.flatMap(f -> f.intValue("min_insync_replicas", 1, Short.MAX_VALUE))
                .orElse(defaultMinInsync);
        if (minInsync > replicationFactor) {
            throw new ConfigException(where + "min_insync_replicas = " + minInsync
                    + " is larger than replication_factor (" + replicationFactor + ")");
        }
        return new KafkaSettings(
                kafkaTable.flatMap(k -> k.intValue("max_request_bytes", 1024, Integer.MAX_VALUE))
                        .orElse(d.maxRequestBytes()),
                kafkaTable.flatMap(k -> k.bool("auto_create_topics")).orElse(d.autoCreateTopics()),
                kafkaTable.flatMap(k -> k.intValue("num_partitions", 1, Integer.MAX_VALUE))
                        .orElse(d.defaultPartitions()),
                (short) replicationFactor,
                minInsync,
                kafkaTable.flatMap(k -> k.intValue("flusher_threads", 1, 256)).orElse(d.flusherThreads()));
    }

    private static LogDefaults logDefaults(TomlSection log) {
        LogDefaults d = LogDefaults.DEFAULT;
        return new LogDefaults(
                log.intValue("segment_bytes", 1024 * 1024, Integer.MAX_VALUE).orElse(d.segmentBytes()),
                log.integer("segment_ms", 1, Long.MAX_VALUE).orElse(d.segmentMs()),
                log.integer("retention_ms", -1, Long.MAX_VALUE).orElse(d.retentionMs()),
                log.integer("retention_bytes", -1, Long.MAX_VALUE).orElse(d.retentionBytes()),
                log.integer("flush_messages", 1, Long.MAX_VALUE).orElse(d.flushMessages()),
                log.integer("flush_ms", 0, Long.MAX_VALUE).orElse(d.flushMs()),
                log.intValue("message_max_bytes", 1, Integer.MAX_VALUE).orElse(d.messageMaxBytes()),
                log.integer("retention_check_interval_ms", 1, Long.MAX_VALUE).orElse(d.retentionCheckIntervalMs()),
                log.integer("cleaner_interval_ms", 1, Long.MAX_VALUE).orElse(d.cleanerIntervalMs()),
                log.bool("preallocate").orElse(d.preallocate()),
                journalBytes(log, d.journalBytes()));
    }

    private static long journalBytes(TomlSection log, long defaultBytes) {
        long bytes = log.integer("journal_bytes", 0, Long.MAX_VALUE).orElse(defaultBytes);
        if (bytes != 0 && bytes < 16L * 1024 * 1024) {
            throw new ConfigException(log.location() + ": log.journal_bytes = " + bytes
                    + " must be 0 (no journal) or at least 16777216 (16 MiB)");
        }
        return bytes;
    }

    private static GroupSettings groupSettings(TomlSection g) {
        GroupSettings d = GroupSettings.DEFAULT;
        int minSession = g.intValue("min_session_timeout_ms", 1, Integer.MAX_VALUE).orElse(d.minSessionTimeoutMs());
        int maxSession = g.intValue("max_session_timeout_ms", 1, Integer.MAX_VALUE).orElse(d.maxSessionTimeoutMs());
        if (maxSession < minSession) {
            throw new ConfigException(g.location() + ": groups.max_session_timeout_ms = " + maxSession
                    + " is below groups.min_session_timeout_ms = " + minSession);
        }
        return new GroupSettings(
                g.intValue("offsets_topic_partitions", 1, 10_000).orElse(d.offsetsTopicPartitions()),
                g.intValue("initial_rebalance_delay_ms", 0, Integer.MAX_VALUE).orElse(d.initialRebalanceDelayMs()),
                minSession,
                maxSession,
                g.intValue("max_size", 1, Integer.MAX_VALUE).orElse(d.maxGroupSize()),
                g.integer("offsets_retention_minutes", 1, Long.MAX_VALUE / 60_000).map(m -> m * 60_000)
                        .orElse(d.offsetsRetentionMs()),
                g.integer("offsets_retention_check_interval_ms", 1, Long.MAX_VALUE)
                        .orElse(d.offsetsRetentionCheckIntervalMs()),
                g.intValue("offset_metadata_max_bytes", 0, Integer.MAX_VALUE).orElse(d.offsetMetadataMaxBytes()),
                g.intValue("offset_commit_timeout_ms", 1, Integer.MAX_VALUE).orElse(d.offsetCommitTimeoutMs()));
    }

    private static Path dataDir(CommandLineValues commandLine, Map<String, String> env, Optional<TomlSection> file) {
        Path dir;
        if (commandLine.dataDir() != null) {
            dir = commandLine.dataDir();
        } else if (nonEmpty(env, "CHRONIK_DATA_DIR") != null) {
            dir = Path.of(nonEmpty(env, "CHRONIK_DATA_DIR"));
        } else {
            dir = Path.of(file.flatMap(f -> f.string("data_dir")).orElse(DEFAULT_DATA_DIR));
        }
        return dir.toAbsolutePath().normalize();
    }

    private static HostPort applyOverrides(HostPort base, Optional<AddressOverride> fromFile, Map<String, String> env,
                                           String variable, String commandLineValue, String option) {
        HostPort address = fromFile.map(a -> a.over(base)).orElse(base);
        String fromEnv = nonEmpty(env, variable);
        if (fromEnv != null) {
            address = AddressOverride.parse(fromEnv, variable).over(address);
        }
        if (commandLineValue != null) {
            address = AddressOverride.parse(commandLineValue, option).over(address);
        }
        return address;
    }

    private static String nonEmpty(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
