package io.chronik.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a node needs to start, validated. Built once at start-up from the TOML file, the environment and the
 * command line ({@code ServerConfigLoader}); the rest of the server never reads TOML or environment variables.
 *
 * @param nodeId          this node's id (1 in standalone mode)
 * @param dataDir         root of all persistent state
 * @param kafkaBind       address the Kafka listener binds (port 0 picks a free port, for tests)
 * @param kafkaAdvertised host:port given to clients in Metadata; port 0 means "the bound port"
 * @param kafka           Kafka-listener and broker-wide settings
 * @param logDefaults     defaults of the topic configs that shape partition logs
 * @param cluster         cluster membership when the config file says {@code enabled = true}; empty for a
 *                        standalone node
 * @param groups          consumer-group coordinator settings
 * @param admin           the HTTP admin API's address and key
 * @param replication     partition replication settings (used in a cluster)
 */
public record ServerConfig(
        int nodeId,
        Path dataDir,
        HostPort kafkaBind,
        HostPort kafkaAdvertised,
        KafkaSettings kafka,
        LogDefaults logDefaults,
        Optional<ClusterConfig> cluster,
        GroupSettings groups,
        AdminSettings admin,
        ReplicationSettings replication) {

    public ServerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(kafkaBind, "kafkaBind");
        Objects.requireNonNull(kafkaAdvertised, "kafkaAdvertised");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(logDefaults, "logDefaults");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(groups, "groups");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(replication, "replication");
        if (cluster.isPresent() && cluster.get().nodeId() != nodeId) {
            throw new IllegalArgumentException(
                    "nodeId " + nodeId + " differs from the cluster node id " + cluster.get().nodeId());
        }
    }

    /**
     * A node's config with the default group-coordinator settings and the default admin settings: the Kafka bind
     * host, port {@code 10000 + nodeId} (a free port when the Kafka bind port is 0), and the data dir's key
     * ({@link AdminSettings#defaultsFor}).
     */
    public ServerConfig(int nodeId, Path dataDir, HostPort kafkaBind, HostPort kafkaAdvertised, KafkaSettings kafka,
                        LogDefaults logDefaults, Optional<ClusterConfig> cluster) {
        this(nodeId, dataDir, kafkaBind, kafkaAdvertised, kafka, logDefaults, cluster, GroupSettings.DEFAULT,
                AdminSettings.defaultsFor(nodeId, kafkaBind), ReplicationSettings.DEFAULT);
    }

    /** This config with other log defaults. */
    public ServerConfig withLogDefaults(LogDefaults newLogDefaults) {
        return new ServerConfig(nodeId, dataDir, kafkaBind, kafkaAdvertised, kafka, newLogDefaults, cluster, groups,
                admin, replication);
    }

    /** This config with other group-coordinator settings. */
    public ServerConfig withGroups(GroupSettings newGroups) {
        return new ServerConfig(nodeId, dataDir, kafkaBind, kafkaAdvertised, kafka, logDefaults, cluster, newGroups,
                admin, replication);
    }

    /** This config with other admin settings. */
    public ServerConfig withAdmin(AdminSettings newAdmin) {
        return new ServerConfig(nodeId, dataDir, kafkaBind, kafkaAdvertised, kafka, logDefaults, cluster, groups,
                newAdmin, replication);
    }

    /** This config with other replication settings. */
    public ServerConfig withReplication(ReplicationSettings newReplication) {
        return new ServerConfig(nodeId, dataDir, kafkaBind, kafkaAdvertised, kafka, logDefaults, cluster, groups,
                admin, newReplication);
    }

    /**
     * Partition replication settings (Kafka's {@code replica.*} broker configs).
     *
     * @param replicaLagTimeMaxMs a follower not caught up with the leader's log end for this long leaves the ISR
     *                            ({@code replica.lag.time.max.ms}, TOML {@code replica_lag_time_max_ms})
     */
    public record ReplicationSettings(long replicaLagTimeMaxMs) {

        public static final ReplicationSettings DEFAULT = new ReplicationSettings(30_000);

        public ReplicationSettings {
            if (replicaLagTimeMaxMs < 1) {
                throw new IllegalArgumentException("replicaLagTimeMaxMs must be positive");
            }
        }
    }

    /** A standalone node's config (no cluster section). */
    public ServerConfig(int nodeId, Path dataDir, HostPort kafkaBind, HostPort kafkaAdvertised, KafkaSettings kafka,
                        LogDefaults logDefaults) {
        this(nodeId, dataDir, kafkaBind, kafkaAdvertised, kafka, logDefaults, Optional.empty());
    }

    /**
     * @param maxRequestBytes        largest request frame accepted ({@code socket.request.max.bytes}); a bigger frame
     *                               closes the connection
     * @param autoCreateTopics       Metadata requests for an unknown topic create it ({@code auto.create.topics.enable})
     * @param defaultPartitions      partitions of auto-created topics and CreateTopics with -1 ({@code num.partitions})
     * @param defaultReplicationFactor replication factor of auto-created topics and CreateTopics with -1
     * @param minInsyncReplicas      default {@code min.insync.replicas} of topics
     * @param flusherThreads         dedicated threads that force partition logs to disk (group commit)
     */
    public record KafkaSettings(
            int maxRequestBytes,
            boolean autoCreateTopics,
            int defaultPartitions,
            short defaultReplicationFactor,
            int minInsyncReplicas,
            int flusherThreads) {

        public static final KafkaSettings DEFAULT = new KafkaSettings(100 * 1024 * 1024, true, 1, (short) 1, 1, 2);
    }

    /**
     * Server-wide defaults of the log-shaping topic configs (Kafka's {@code log.*} broker configs).
     *
     * @param messageMaxBytes            default {@code max.message.bytes}
     * @param retentionCheckIntervalMs   how often retention and time-based segment rolls run
     * @param cleanerIntervalMs          pause between two rounds of the log cleaner over the compacted logs
     *                                   (Kafka's {@code log.cleaner.backoff.ms})
     * @param preallocate                default {@code preallocate} (Kafka's {@code log.preallocate}), false as in
     *                                   Kafka: zero-filling makes each fsync cheaper but costs as much CPU as it saves
     *                                   on the reference machine (docs/durability.md)
     * @param journalBytes               capacity of the shared write-ahead journal that makes {@code flush.messages=1}
     *                                   appends durable with one force for all partitions (256 MiB by default); 0
     *                                   switches it off: every partition forces its own segment (docs/durability.md)
     */
    public record LogDefaults(
            int segmentBytes,
            long segmentMs,
            long retentionMs,
            long retentionBytes,
            long flushMessages,
            long flushMs,
            int messageMaxBytes,
            long retentionCheckIntervalMs,
            long cleanerIntervalMs,
            boolean preallocate,
            long journalBytes) {

        public static final long DEFAULT_JOURNAL_BYTES = 256L << 20;
        public static final LogDefaults DEFAULT = new LogDefaults(
                1 << 30, 7L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, -1, 1, Long.MAX_VALUE, 1048588, 300_000,
                15_000, false, DEFAULT_JOURNAL_BYTES);

        /** These defaults with another {@code retention.ms}. */
        public LogDefaults withRetentionMs(long newRetentionMs) {
            return new LogDefaults(segmentBytes, segmentMs, newRetentionMs, retentionBytes, flushMessages, flushMs,
                    messageMaxBytes, retentionCheckIntervalMs, cleanerIntervalMs, preallocate, journalBytes);
        }

        /** These defaults with another {@code preallocate}. */
        public LogDefaults withPreallocate(boolean newPreallocate) {
            return new LogDefaults(segmentBytes, segmentMs, retentionMs, retentionBytes, flushMessages, flushMs,
                    messageMaxBytes, retentionCheckIntervalMs, cleanerIntervalMs, newPreallocate, journalBytes);
        }

        /** These defaults with other intervals of the retention check and the log cleaner. */
        public LogDefaults withBackgroundIntervals(long newRetentionCheckIntervalMs, long newCleanerIntervalMs) {
            return new LogDefaults(segmentBytes, segmentMs, retentionMs, retentionBytes, flushMessages, flushMs,
                    messageMaxBytes, newRetentionCheckIntervalMs, newCleanerIntervalMs, preallocate, journalBytes);
        }
    }

    /**
     * Consumer-group coordinator settings (Kafka's {@code group.*} and {@code offsets.*} broker configs).
     *
     * @param offsetsTopicPartitions       partitions of {@code __consumer_offsets} when it is created
     *                                     ({@code offsets.topic.num.partitions}); fixed afterwards
     * @param initialRebalanceDelayMs      how long the first join into an empty group waits for more members
     *                                     ({@code group.initial.rebalance.delay.ms})
     * @param minSessionTimeoutMs          smallest {@code session.timeout.ms} a member may ask for
     * @param maxSessionTimeoutMs          largest {@code session.timeout.ms} a member may ask for
     * @param maxGroupSize                 members per group ({@code group.max.size})
     * @param offsetsRetentionMs           how long offsets of an empty group are kept
     *                                     ({@code offsets.retention.minutes})
     * @param offsetsRetentionCheckIntervalMs how often expired offsets are removed
     * @param offsetMetadataMaxBytes       longest metadata string of a commit ({@code offset.metadata.max.bytes})
     * @param offsetCommitTimeoutMs        how long a commit waits to become durable ({@code offsets.commit.timeout.ms})
     */
    public record GroupSettings(
            int offsetsTopicPartitions,
            int initialRebalanceDelayMs,
            int minSessionTimeoutMs,
            int maxSessionTimeoutMs,
            int maxGroupSize,
            long offsetsRetentionMs,
            long offsetsRetentionCheckIntervalMs,
            int offsetMetadataMaxBytes,
            int offsetCommitTimeoutMs) {

        public static final GroupSettings DEFAULT = new GroupSettings(
                50, 3000, 6000, 1_800_000, Integer.MAX_VALUE, 7L * 24 * 3600 * 1000, 600_000, 4096, 5000);

        public GroupSettings {
            if (offsetsTopicPartitions < 1) {
                throw new IllegalArgumentException("offsetsTopicPartitions must be at least 1");
            }
            if (initialRebalanceDelayMs < 0 || minSessionTimeoutMs < 0 || maxSessionTimeoutMs < minSessionTimeoutMs
                    || maxGroupSize < 1 || offsetsRetentionMs < 1 || offsetsRetentionCheckIntervalMs < 1
                    || offsetMetadataMaxBytes < 0 || offsetCommitTimeoutMs < 1) {
                throw new IllegalArgumentException("Invalid group settings " + this);
            }
        }
    }

    /** A standalone server on the given data dir and Kafka bind address with every other setting at its default. */
    public static ServerConfig standalone(Path dataDir, HostPort kafkaBind) {
        return new ServerConfig(1, dataDir, kafkaBind, new HostPort(advertisedHostFor(kafkaBind.host()), 0),
                KafkaSettings.DEFAULT, LogDefaults.DEFAULT);
    }

    /** The host to advertise when none is configured: the bind host, or 127.0.0.1 for a wildcard bind. */
    public static String advertisedHostFor(String bindHost) {
        return bindHost.equals("0.0.0.0") || bindHost.equals("::") ? "127.0.0.1" : bindHost;
    }
}
