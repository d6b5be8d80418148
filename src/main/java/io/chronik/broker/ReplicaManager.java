package io.chronik.broker;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import io.chronik.config.HostPort;
import io.chronik.config.ServerConfig;
import io.chronik.log.LogCleaner;
import io.chronik.log.Journal;
import io.chronik.log.JournalReplay;
import io.chronik.log.LogFlusher;
import io.chronik.log.PartitionLog;
import io.chronik.log.RecordCompactor;
import io.chronik.log.ReplicationOffsetCheckpoint;
import io.chronik.metadata.LeaderElectionController;
import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.PartitionImage;
import io.chronik.metadata.PartitionLeaderElection;
import io.chronik.metadata.TopicConfig;
import io.chronik.metadata.TopicConfigs;
import io.chronik.metadata.TopicImage;
import io.chronik.replication.LeaderReplica;
import io.chronik.replication.ReplicaDirectory;
import io.chronik.replication.ReplicaFetcherManager;
import io.chronik.replication.WalServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
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
 * <p>Replication (docs/replication.md): for each partition the image names this node leader of, the partition
 * serves clients and its followers through the {@link WalServer} on this node's WAL port (cluster mode); for each
 * partition it follows, the {@link ReplicaFetcherManager} replicates from the leader. ISR changes the leaders propose
 * are submitted to the metadata store on one virtual thread; a check every half {@code replica.lag.time.max.ms}
 * drops lagging followers.
 *
 * <p>A directory under {@code logs/} that no topic of the metadata claims is left alone and reported with a warning:
 * the metadata is the source of truth, but deleting data because of it is only done on an explicit DeleteTopics.
 *
 * <p>Thread-safety: lookups are lock-free; metadata changes are applied one at a time.
 */
public final class ReplicaManager implements ReplicaDirectory, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);
    /** How often high watermarks are checkpointed (Kafka's {@code replica.high.watermark.checkpoint.interval.ms}). */
    private static final long HW_CHECKPOINT_INTERVAL_MS = 5000;

    private final ServerConfig config;
    private final MetadataStore metadata;
    private final Path logsDir;
    /** High watermarks read from the replication offset checkpoint at start, taken by the partitions they open. */
    private final Map<TopicPartition, ReplicationOffsetCheckpoint.Mark> checkpointedMarks;
    private final ReentrantLock checkpointLock = new ReentrantLock();
    private List<ReplicationOffsetCheckpoint.Mark> lastCheckpoint = List.of(); // guarded by checkpointLock
    private final LogFlusher flusher;
    private final LogCleaner cleaner;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final ReentrantLock applyLock = new ReentrantLock();
    private final ScheduledExecutorService retention;
    private final ReplicaFetcherManager fetchers;
    private final ExecutorService isrUpdates;
    private WalServer walServer;
    private LeaderElectionController election;
    private volatile boolean closed;

    /** @param compactor reads and rewrites record batches for log compaction (the Kafka record format) */
    public ReplicaManager(ServerConfig config, MetadataStore metadata, RecordCompactor compactor) throws IOException {
        this.config = config;
        this.metadata = metadata;
        this.logsDir = config.dataDir().resolve("logs");
        Files.createDirectories(logsDir);
        this.checkpointedMarks = readHighWatermarkCheckpoint();
        this.flusher = openFlusher(config, logsDir);
        this.cleaner = new LogCleaner(flusher, compactor, Duration.ofMillis(config.logDefaults().cleanerIntervalMs()));
        this.retention = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("chronik-retention").daemon().unstarted(r));
        this.fetchers = new ReplicaFetcherManager(config.nodeId(), this::walAddress, this::clusterId);
        this.isrUpdates = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("chronik-isr-update").factory());
    }

    /**
     * The log flusher with the shared journal ({@code [log] journal_bytes}, docs/durability.md), after replaying what
     * the journal holds from before a crash into the logs. With the journal switched off, a journal left by an
     * earlier run is still replayed, then removed.
     */
    private static LogFlusher openFlusher(ServerConfig config, Path logsDir) throws IOException {
        Path journalDir = config.dataDir().resolve(Journal.DIRECTORY);
        long journalBytes = config.logDefaults().journalBytes();
        var replayConfig = LogConfigs.of(TopicConfigs.resolve(Map.of(), config));
        if (journalBytes == 0) {
            JournalReplay.replayAndRemove(journalDir, logsDir, replayConfig);
            return new LogFlusher(config.kafka().flusherThreads());
        }
        Journal journal = JournalReplay.open(journalDir, journalBytes, logsDir, replayConfig);
        return new LogFlusher(config.kafka().flusherThreads(), journal, logsDir);
    }

    /** The WAL address of node {@code id} from the cluster's peers, or null. */
    private HostPort walAddress(int id) {
        return config.cluster().flatMap(c -> c.peers().stream().filter(p -> p.id() == id).findFirst())
                .map(p -> p.wal()).orElse(null);
    }

    /** Opens the logs of this node's partitions and follows metadata changes from now on. */
    public void start() throws IOException {
        if (config.cluster().isPresent()) {
            walServer = WalServer.start(config.nodeId(), config.cluster().get().walBind(), this);
            // The controller duty runs wherever this node is the Raft leader (controllerId), see docs/replication.md.
            election = new LeaderElectionController(metadata,
                    () -> metadata.current().controllerId() == config.nodeId(), this::uncleanElectionAllowed);
            election.start();
        }
        metadata.subscribe(this::apply);
        reportStrayDirectories();
        long interval = config.logDefaults().retentionCheckIntervalMs();
        retention.scheduleWithFixedDelay(this::enforceRetention, interval, interval, TimeUnit.MILLISECONDS);
        retention.scheduleWithFixedDelay(this::checkpointHighWatermarks, HW_CHECKPOINT_INTERVAL_MS,
                HW_CHECKPOINT_INTERVAL_MS, TimeUnit.MILLISECONDS);
        long lagMax = config.replication().replicaLagTimeMaxMs();
        long isrCheck = Math.max(10, lagMax / 2);
        retention.scheduleWithFixedDelay(this::shrinkIsrs, isrCheck, isrCheck, TimeUnit.MILLISECONDS);
    }

    private boolean uncleanElectionAllowed(TopicImage topic) {
        TopicConfig c = resolveConfig(topic);
        return c != null && c.uncleanLeaderElection();
    }

    /** The port of the WAL server (cluster mode), or -1. */
    public int walPort() {
        return walServer == null ? -1 : walServer.port();
    }

    @Override
    public Optional<LeaderReplica> leaderReplica(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    @Override
    public String clusterId() {
        return metadata.current().clusterId();
    }

    /** The local replica of {@code tp} whatever its role (leader or follower), if this node holds one. */
    public Optional<Partition> localReplica(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    private void shrinkIsrs() {
        long now = System.currentTimeMillis();
        for (Partition p : partitions.values()) {
            try {
                p.maybeShrinkIsr(now);
            } catch (RuntimeException e) {
                log.error("ISR check of {} failed: {}", p.topicPartition(), e.toString());
            }
        }
    }

    /** Submits an ISR change on the ISR-update thread; a fenced or failed change is logged and dropped. */
    private void proposeIsr(MetadataCommand.ChangeIsr change, Runnable done) {
        try {
            isrUpdates.execute(() -> {
                try {
                    metadata.submit(change);
                } catch (RuntimeException e) {
                    log.info("ISR change {} not applied: {}", change, e.getMessage());
                } finally {
                    done.run();
                }
            });
        } catch (RuntimeException e) {
            done.run();
        }
    }

    /** The directory holding every partition log (the single Kafka "log dir" of this node). */
    public Path logsDir() {
        return logsDir;
    }

    public MetadataImage image() {
        return metadata.current();
    }

    /**
     * The local replica of {@code tp} for a client request, which only its leader serves.
     *
     * @throws ChronikException UNKNOWN_TOPIC_OR_PARTITION when the topic or partition does not exist,
     *                          NOT_LEADER_OR_FOLLOWER when it exists but this node is not its leader
     */
    public Partition leaderPartition(TopicPartition tp) {
        Partition p = partitions.get(tp);
        if (p != null && p.isLeader()) {
            return p;
        }
        if (p != null) {
            throw new ChronikException(ErrorCode.NOT_LEADER_OR_FOLLOWER, "This server is not the leader of " + tp
                    + " (leader: " + p.image().leader() + ", epoch " + p.image().leaderEpoch() + ")");
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
                    boolean follows = p.leader() != config.nodeId() && p.leader() != -1;
                    if (!follows) {
                        fetchers.unfollow(tp); // before the replica takes the leader role
                    }
                    if (existing == null) {
                        openPartition(tp, topic.id(), topicConfig, p);
                    } else {
                        existing.update(topicConfig, p);
                    }
                    Partition local = partitions.get(tp);
                    if (follows && local != null) {
                        fetchers.follow(local, p.leader(), p.leaderEpoch());
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
            ReplicationOffsetCheckpoint.Mark mark = checkpointedMarks.remove(tp);
            long checkpointed = mark != null && mark.topicId().equals(topicId) ? mark.highWatermark() : -1;
            partitions.put(tp, Partition.open(tp, topicId, config.nodeId(), partitionLog, this::proposeIsr,
                    config.replication().replicaLagTimeMaxMs(), topicConfig, image, checkpointed));
            log.debug("Opened partition {} in {}", tp, dir);
        } catch (IOException | RuntimeException e) {
            log.error("Cannot open the log of {} in {}; the partition is not served: {}", tp, dir, e.toString());
        }
    }

    private void deletePartition(Partition p) {
        fetchers.unfollow(p.topicPartition());
        partitions.remove(p.topicPartition());
        try {
            p.delete();
            log.info("Deleted partition {}", p.topicPartition());
        } catch (IOException | RuntimeException e) {
            log.error("Cannot delete the log of {}: {}", p.topicPartition(), e.toString());
        }
    }

    private Map<TopicPartition, ReplicationOffsetCheckpoint.Mark> readHighWatermarkCheckpoint() {
        Path file = logsDir.resolve(ReplicationOffsetCheckpoint.FILE_NAME);
        try {
            Map<TopicPartition, ReplicationOffsetCheckpoint.Mark> marks = new ConcurrentHashMap<>();
            ReplicationOffsetCheckpoint.read(file).forEach(m -> marks.put(new TopicPartition(m.topic(), m.partition()),
                    m));
            return marks;
        } catch (IOException e) {
            log.warn("Ignoring the high watermark checkpoint: {}; replicated partitions start at their log start "
                    + "offset until their ISR reports", e.getMessage());
            return new ConcurrentHashMap<>();
        }
    }

    /**
     * Writes every partition's high watermark to {@code logs/replication-offset-checkpoint} (Kafka's
     * {@code replica.high.watermark.checkpoint.interval.ms}: every 5 s, and at close), when any has changed.
     */
    void checkpointHighWatermarks() {
        checkpointLock.lock();
        try {
            List<ReplicationOffsetCheckpoint.Mark> marks = new ArrayList<>();
            for (Partition p : partitions.values()) {
                marks.add(new ReplicationOffsetCheckpoint.Mark(p.topicPartition().topic(),
                        p.topicPartition().partition(), p.topicId(), p.highWatermark()));
            }
            marks.sort(java.util.Comparator.comparing(ReplicationOffsetCheckpoint.Mark::topic)
                    .thenComparingInt(ReplicationOffsetCheckpoint.Mark::partition));
            if (marks.equals(lastCheckpoint)) {
                return;
            }
            ReplicationOffsetCheckpoint.write(logsDir.resolve(ReplicationOffsetCheckpoint.FILE_NAME), marks);
            lastCheckpoint = marks;
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot write the high watermark checkpoint in {}: {}", logsDir, e.toString());
        } finally {
            checkpointLock.unlock();
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

    /**
     * Kafka's controlled shutdown, run before {@link #close} when a cluster node stops on purpose (SIGTERM): stops
     * following leaders (so no leader adds this node back to an ISR), then commits, through Raft, the changes the
     * controller would make once this node's broker is fenced — leadership of every partition this node leads moves
     * to the next live ISR member (leader epoch + 1) and this node leaves every other ISR. Clients get
     * {@code NOT_LEADER_OR_FOLLOWER} and move on at once instead of waiting {@code broker_session_timeout_ms} for the
     * fence. A partition whose ISR is only this node keeps it as leader (as in Kafka, it is offline until the node
     * returns). Bounded by {@code budget}; without a Raft leader, or when it runs out, the node just stops and the
     * controller fences it as after a crash.
     */
    public void controlledShutdown(Duration budget) {
        if (config.cluster().isEmpty() || closed) {
            return;
        }
        fetchers.closeAndAwait(1000);
        if (metadata.current().controllerId() == -1) {
            log.info("Controlled shutdown skipped: no Raft leader; the controller will fence this node");
            return;
        }
        int[] moved = new int[2];
        // Passes until nothing is left: a leader's ISR expansion computed before our ChangeIsr was applied can still
        // land after it (ChangeIsr is checked against the leader epoch only), so look again once things settled.
        Thread worker = Thread.ofVirtual().name("chronik-controlled-shutdown").start(() -> {
            try {
                for (List<MetadataCommand> changes = shutdownChanges(); !changes.isEmpty();
                        changes = shutdownChanges()) {
                    for (MetadataCommand change : changes) {
                        try {
                            metadata.submit(change);
                            moved[change instanceof MetadataCommand.ChangePartitionLeader ? 0 : 1]++;
                        } catch (ChronikException e) {
                            log.debug("Controlled shutdown: {} not applied: {}", change, e.getMessage());
                        }
                    }
                    Thread.sleep(300);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            if (worker.join(budget)) {
                log.info("Controlled shutdown: moved the leadership of {} partitions to other nodes and left {} ISRs",
                        moved[0], moved[1]);
            } else {
                worker.interrupt();
                log.warn("Controlled shutdown did not finish within {} ms; stopping anyway", budget.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the controller would commit if this node's broker were gone, for the partitions it leads or is in ISR of. */
    private List<MetadataCommand> shutdownChanges() {
        MetadataImage image = metadata.current();
        int self = config.nodeId();
        Set<Integer> others = new HashSet<>(image.brokers().keySet());
        others.remove(self);
        List<MetadataCommand> changes = new ArrayList<>();
        for (TopicImage topic : image.topics().values()) {
            for (PartitionImage p : topic.partitions()) {
                if (p.leader() != self && !p.isr().contains(self)) {
                    continue;
                }
                // Not a partition whose only ISR member is this node: it stays the leader (offline until it returns).
                PartitionLeaderElection.reconcile(topic.name(), p, others, false)
                        .filter(c -> !(c instanceof MetadataCommand.ChangePartitionLeader move && move.leader() == -1))
                        .ifPresent(changes::add);
            }
        }
        return changes;
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
        if (election != null) {
            election.close();
        }
        if (walServer != null) {
            walServer.close();
        }
        fetchers.close();
        isrUpdates.shutdownNow();
        retention.shutdownNow();
        cleaner.close();
        checkpointHighWatermarks();
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
