package io.chronik.broker;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import io.chronik.config.ServerConfig;
import io.chronik.log.LogCleaner;
import io.chronik.log.LogFlusher;
import io.chronik.log.PartitionLog;
import io.chronik.log.RecordCompactor;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.PartitionImage;
import io.chronik.metadata.TopicConfig;
import io.chronik.metadata.TopicConfigs;
import io.chronik.metadata.TopicImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this node holds a replica of, kept in step with the metadata image: a log is opened (created) for
 * every partition whose replica list names this node, deleted when its topic is deleted (or re-created under a new
 * id), and reconfigured when its topic's configs change. Logs live in {@code <dataDir>/logs/<topic>-<partition>/}.
 *
 * <p>Owns the shared group-commit {@link LogFlusher}, the {@link LogCleaner} that compacts the logs of
 * {@code cleanup.policy=compact} topics every {@code cleanerIntervalMs}, and a retention scheduler (one platform
 * thread) that enforces {@code retention.ms}/{@code retention.bytes}/{@code segment.ms} every {@code retentionCheckIntervalMs}.
 *
 * <p>A directory under {@code logs/} that no topic of the metadata claims is left alone and reported with a warning:
 * the metadata is the source of truth, but deleting data because of it is only done on an explicit DeleteTopics.
 *
 * <p>Thread-safety: lookups are lock-free; metadata changes are applied one at a time.
 */
public final class ReplicaManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    private final ServerConfig config;
    private final MetadataStore metadata;
    private final Path logsDir;
    private final LogFlusher flusher;
    private final LogCleaner cleaner;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final ReentrantLock applyLock = new ReentrantLock();
    private final ScheduledExecutorService retention;
    private volatile boolean closed;

    /** @param compactor reads and rewrites record batches for log compaction (the Kafka record format) */
    public ReplicaManager(ServerConfig config, MetadataStore metadata, RecordCompactor compactor) throws IOException {
        this.config = config;
        this.metadata = metadata;
        this.logsDir = config.dataDir().resolve("logs");
        Files.createDirectories(logsDir);
        this.flusher = new LogFlusher(config.kafka().flusherThreads());
        this.cleaner = new LogCleaner(flusher, compactor, Duration.ofMillis(config.logDefaults().cleanerIntervalMs()));
        this.retention = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("chronik-retention").daemon().unstarted(r));
    }

    /** Opens the logs of this node's partitions and follows metadata changes from now on. */
    public void start() {
        metadata.subscribe(this::apply);
        reportStrayDirectories();
        long interval = config.logDefaults().retentionCheckIntervalMs();
        retention.scheduleWithFixedDelay(this::enforceRetention, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** The directory holding every partition log (the single Kafka "log dir" of this node). */
    public Path logsDir() {
        return logsDir;
    }

    public MetadataImage image() {
        return metadata.current();
    }

    /**
     * The local replica of {@code tp} for a client request.
     *
     * @throws ChronikException UNKNOWN_TOPIC_OR_PARTITION when the topic or partition does not exist,
     *                          NOT_LEADER_OR_FOLLOWER when it exists but this node holds no replica of it
     */
    public Partition leaderPartition(TopicPartition tp) {
        Partition p = partitions.get(tp);
        if (p != null) {
            return p;
        }
        boolean exists = metadata.current().topic(tp.topic()).map(t -> t.partition(tp.partition()) != null)
                .orElse(false);
        throw new ChronikException(exists ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                "This server does not host partition " + tp);
    }

    /** Every local replica. */
    public Iterable<Partition> partitions() {
        return partitions.values();
    }

    private void apply(MetadataImage image) {
        applyLock.lock();
        try {
            if (closed) {
                return;
            }
            Set<TopicPartition> wanted = new HashSet<>();
            for (TopicImage topic : image.topics().values()) {
                TopicConfig topicConfig = resolveConfig(topic);
                if (topicConfig == null) {
                    continue;
                }
                for (PartitionImage p : topic.partitions()) {
                    if (!p.replicas().contains(config.nodeId())) {
                        continue;
                    }
                    TopicPartition tp = new TopicPartition(topic.name(), p.partition());
                    wanted.add(tp);
                    Partition existing = partitions.get(tp);
                    if (existing != null && !existing.topicId().equals(topic.id())) {
                        deletePartition(existing);
                        existing = null;
                    }
                    if (existing == null) {
                        openPartition(tp, topic.id(), topicConfig, p);
                    } else {
                        existing.update(topicConfig, p);
                    }
                }
            }
            for (Partition p : partitions.values()) {
                if (!wanted.contains(p.topicPartition())) {
                    deletePartition(p);
                }
            }
        } finally {
            applyLock.unlock();
        }
    }

    private TopicConfig resolveConfig(TopicImage topic) {
        try {
            return TopicConfigs.resolve(topic.configs(), config);
        } catch (RuntimeException e) {
            log.error("Topic {} has invalid configs {}; its partitions are not served: {}", topic.name(),
                    topic.configs(), e.getMessage());
            return null;
        }
    }

    private void openPartition(TopicPartition tp, UUID topicId, TopicConfig topicConfig, PartitionImage image) {
        Path dir = logsDir.resolve(tp.topic() + "-" + tp.partition());
        try {
            PartitionLog partitionLog = PartitionLog.open(dir, LogConfigs.of(topicConfig), flusher);
            partitions.put(tp, Partition.open(tp, topicId, partitionLog, topicConfig, image));
            log.info("Opened partition {} in {}", tp, dir);
        } catch (IOException | RuntimeException e) {
            log.error("Cannot open the log of {} in {}; the partition is not served: {}", tp, dir, e.toString());
        }
    }

    private void deletePartition(Partition p) {
        partitions.remove(p.topicPartition());
        try {
            p.delete();
            log.info("Deleted partition {}", p.topicPartition());
        } catch (IOException | RuntimeException e) {
            log.error("Cannot delete the log of {}: {}", p.topicPartition(), e.toString());
        }
    }

    private void reportStrayDirectories() {
        try (var dirs = Files.list(logsDir)) {
            Set<Path> known = new HashSet<>();
            partitions.keySet().forEach(tp -> known.add(logsDir.resolve(tp.topic() + "-" + tp.partition())));
            dirs.filter(Files::isDirectory).filter(d -> !known.contains(d))
                    .forEach(d -> log.warn("Directory {} belongs to no known partition; left untouched", d));
        } catch (IOException e) {
            log.warn("Cannot list {}: {}", logsDir, e.toString());
        }
    }

    private void enforceRetention() {
        long now = System.currentTimeMillis();
        for (Partition p : partitions.values()) {
            try {
                p.enforceRetention(now);
            } catch (IOException | RuntimeException e) {
                log.error("Retention of {} failed: {}", p.topicPartition(), e.toString());
            }
        }
    }

    /** Stops the retention scheduler and the cleaner, fails pending waiters, closes every log and the flusher. */
    @Override
    public void close() {
        applyLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            applyLock.unlock();
        }
        retention.shutdownNow();
        cleaner.close();
        for (Partition p : partitions.values()) {
            try {
                p.close();
            } catch (IOException | RuntimeException e) {
                log.error("Closing {} failed: {}", p.topicPartition(), e.toString());
            }
        }
        partitions.clear();
        flusher.close();
    }
}
