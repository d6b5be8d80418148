package io.chronik.broker;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import io.chronik.log.BatchHeader;
import io.chronik.log.DurabilityListener;
import io.chronik.log.LogSlice;
import io.chronik.log.PartitionLog;
import io.chronik.log.OffsetOutOfRangeException;
import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.PartitionImage;
import io.chronik.metadata.TopicConfig;
import io.chronik.replication.FollowerReplica;
import io.chronik.replication.LeaderReplica;
import io.chronik.txn.ProducerStateManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's replica of one partition: its {@link PartitionLog}, the idempotent-producer state, the high watermark
 * and — from the metadata image — its role: leader (serves clients, tracks its followers) or follower (a
 * {@code ReplicaFetcher} copies the leader's log into it).
 *
 * <p><b>High watermark (HW).</b> Consumers only read below it; an {@code acks=all} produce completes when it passes
 * the batch. On the leader it is the smallest durable end offset over the ISR: its own (the log's durable end offset
 * under the strict default {@code flush.messages=1}, the log end offset under a relaxed policy) and each other ISR
 * member's last fetch offset (a follower fetches at its durable end offset). A follower takes the leader's HW from
 * each fetch response, bounded by its own durable end. It only moves forward, except when a follower truncates
 * below it (only an unclean election can cause that). A single-replica partition starts at the recovered log's
 * durable end offset; a replicated one at its log start offset, and moves up as soon as the ISR has reported.
 *
 * <p><b>Appends</b> (leader only) are made on the caller's thread (the connection reader, so in request order) under
 * the partition lock, which makes the producer-sequence check and the append atomic. The flusher thread that forces
 * the log moves the local durable mark ({@code acks=1}) and the HW right after the force (the log's
 * {@link DurabilityListener}), completing the produce waiters it covers; a failed force fails them all, and every
 * later one, with KAFKA_STORAGE_ERROR. Follower appends ({@link #appendAsFollower}) update the producer
 * state too, so a follower that becomes leader de-duplicates retries; truncation rebuilds it from the log.
 *
 * <p><b>ISR.</b> The leader proposes ISR changes through the metadata store ({@code ChangeIsr}, fenced by its leader
 * epoch): a follower joins once its fetch offset reaches the HW and the leader's start offset of the current epoch,
 * and leaves when it has not been caught up for {@code replica.lag.time.max.ms} ({@link #maybeShrinkIsr}). The ISR in
 * force is always the committed one from the image.
 *
 * <p>Thread-safe.
 */
public final class Partition implements LeaderReplica, FollowerReplica {
    private static final Logger log = LoggerFactory.getLogger(Partition.class);
    private static final long ISR_RETRY_NANOS = 500_000_000L;

    /** Submits an ISR change through the metadata store without blocking the caller; runs {@code done} after. */
    @FunctionalInterface
    interface IsrUpdater {
        void propose(MetadataCommand.ChangeIsr change, Runnable done);
    }

    private final TopicPartition tp;
    private final UUID topicId;
    private final int localId;
    private final PartitionLog partitionLog;
    private final IsrUpdater isrUpdater;
    private final long maxLagMs;
    private final ReentrantLock appendLock = new ReentrantLock();
    private ProducerStateManager producers = new ProducerStateManager(); // guarded by appendLock
    private final HighWatermark highWatermark;
    /** The leader's own durable end offset, what acks=1 waits for. */
    private final HighWatermark localDurable;
    private final Set<Runnable> appendWatchers = new CopyOnWriteArraySet<>();
    private final AtomicBoolean isrChangeInFlight = new AtomicBoolean();
    private volatile long isrRetryAfterNanos;
    private volatile TopicConfig config;
    private volatile PartitionImage image;
    /** Non-null while this node leads the partition. */
    private volatile FollowerProgress followers;
    private final AtomicBoolean storageFailed = new AtomicBoolean();
    private volatile boolean closed;

    private Partition(TopicPartition tp, UUID topicId, int localId, PartitionLog partitionLog, IsrUpdater isrUpdater,
            long maxLagMs, TopicConfig config, PartitionImage image, long highWatermark) {
        this.tp = tp;
        this.topicId = topicId;
        this.localId = localId;
        this.partitionLog = partitionLog;
        this.isrUpdater = isrUpdater;
        this.maxLagMs = maxLagMs;
        this.config = config;
        this.image = image;
        this.highWatermark = new HighWatermark(highWatermark);
        this.localDurable = new HighWatermark(localDurableEnd());
    }

    /**
     * Wraps an opened log, rebuilding the producer state from its batches, in the role {@code image} gives.
     *
     * @param maxLagMs               {@code replica.lag.time.max.ms}
     * @param checkpointedHighWatermark the partition's high watermark from the replication offset checkpoint, or -1:
     *                               a replicated partition starts at {@code min(it, recovered durable end)} (never
     *                               below the log start), not at the log start until its ISR reports
     */
    static Partition open(TopicPartition tp, UUID topicId, int localId, PartitionLog partitionLog,
            IsrUpdater isrUpdater, long maxLagMs, TopicConfig config, PartitionImage image,
            long checkpointedHighWatermark) throws IOException {
        long durableEnd = config.flushMessages() <= 1 ? partitionLog.durableEndOffset() : partitionLog.logEndOffset();
        long hw = image.replicas().size() > 1
                ? Math.max(partitionLog.logStartOffset(), Math.min(checkpointedHighWatermark, durableEnd))
                : durableEnd;
        Partition p = new Partition(tp, topicId, localId, partitionLog, isrUpdater, maxLagMs, config, image, hw);
        p.rebuildProducerState();
        p.applyRole(image);
        partitionLog.setDurabilityListener(p.new LocalDurability());
        p.catchUpHighWatermark();
        return p;
    }

    private void rebuildProducerState() throws IOException {
        long start = System.nanoTime();
        appendLock.lock();
        try {
            producers = new ProducerStateManager();
            partitionLog.forEachBatch(partitionLog.logStartOffset(), h -> {
                if (h.hasProducerId() && !h.isControl()) {
                    producers.update(h.producerId(), h.producerEpoch(), h.baseSequence(), h.lastSequence(),
                            h.baseOffset(), h.lastOffset(), h.maxTimestamp());
                }
            });
        } finally {
            appendLock.unlock();
        }
        if (producers.size() > 0) {
            log.info("Rebuilt state of {} producers of {} in {} ms", producers.size(), tp,
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** Under the strict policy, forces the recovered log if it holds data not yet known durable (the marks follow). */
    private void catchUpHighWatermark() {
        if (strict() && partitionLog.durableEndOffset() < partitionLog.logEndOffset()) {
            partitionLog.requestFlush();
        }
    }

    public TopicPartition topicPartition() {
        return tp;
    }

    public UUID topicId() {
        return topicId;
    }

    public TopicConfig config() {
        return config;
    }

    /** The leader epoch stamped into appended batches (from the metadata). */
    public int leaderEpoch() {
        return image.leaderEpoch();
    }

    /** The partition's placement as this replica last applied it. */
    public PartitionImage image() {
        return image;
    }

    /** Whether this node leads the partition. */
    public boolean isLeader() {
        return followers != null && !closed;
    }

    public long highWatermark() {
        return highWatermark.get();
    }

    public long logStartOffset() {
        return partitionLog.logStartOffset();
    }

    public long logEndOffset() {
        return partitionLog.logEndOffset();
    }

    public long sizeInBytes() {
        return partitionLog.sizeInBytes();
    }

    void update(TopicConfig newConfig, PartitionImage newImage) {
        if (!newConfig.equals(config)) {
            config = newConfig;
            partitionLog.updateConfig(LogConfigs.of(newConfig));
            if (!strict()) {
                localDurable.advanceTo(partitionLog.logEndOffset());
            }
        }
        applyRole(newImage);
        maybeAdvanceHighWatermark();
    }

    /** Takes the leader, epoch and ISR of {@code newImage}, switching role when they say so. */
    private void applyRole(PartitionImage newImage) {
        boolean lostLeadership = false;
        appendLock.lock();
        try {
            PartitionImage old = image;
            image = newImage;
            boolean leads = newImage.leader() == localId;
            FollowerProgress current = followers;
            if (leads && (current == null || current.leaderEpoch() != newImage.leaderEpoch())) {
                followers = new FollowerProgress(newImage.leaderEpoch(), partitionLog.logEndOffset(),
                        newImage.replicas(), localId, System.currentTimeMillis());
                localDurable.resetTo(localDurableEnd());
                if (newImage.replicas().size() > 1 || current != null || old.leader() != localId) {
                    log.info("{}: leader in epoch {} at offset {}, ISR {}, HW {}", tp, newImage.leaderEpoch(),
                            partitionLog.logEndOffset(), newImage.isr(), highWatermark.get());
                }
            } else if (!leads && current != null) {
                followers = null;
                lostLeadership = true;
                log.info("{}: no longer leader (leader {} in epoch {})", tp, newImage.leader(),
                        newImage.leaderEpoch());
            }
        } finally {
            appendLock.unlock();
        }
        if (lostLeadership) {
            highWatermark.failWaiters(ErrorCode.NOT_LEADER_OR_FOLLOWER);
            localDurable.failWaiters(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        }
    }

    /**
     * Checks a client's leader epoch against ours: FENCED_LEADER_EPOCH when it is older, UNKNOWN_LEADER_EPOCH when
     * newer. -1 means the client did not say and skips the check.
     */
    public void checkLeaderEpoch(int currentLeaderEpoch) {
        int leaderEpoch = image.leaderEpoch();
        if (currentLeaderEpoch < 0 || currentLeaderEpoch == leaderEpoch) {
            return;
        }
        throw new ChronikException(
                currentLeaderEpoch < leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH,
                "Leader epoch " + currentLeaderEpoch + " of the request does not match the current epoch "
                        + leaderEpoch + " of " + tp);
    }

    /**
     * Appends one validated client batch ({@code batch} from position to limit; its bytes are stamped in place) with
     * the idempotent-producer checks. Never throws for storage failures: they become KAFKA_STORAGE_ERROR.
     *
     * @param header the batch's header as the client sent it (baseOffset 0)
     */
    public ProduceResult append(ByteBuffer batch, BatchHeader header) {
        return append(batch, header, (short) 1);
    }

    /**
     * Like {@link #append(ByteBuffer, BatchHeader)} for a produce with {@code acks}: with acks=-1 the batch is
     * refused with NOT_ENOUGH_REPLICAS, before anything is stored, while the ISR is smaller than
     * {@code min.insync.replicas}.
     */
    public ProduceResult append(ByteBuffer batch, BatchHeader header, short acks) {
        appendLock.lock();
        try {
            if (closed || followers == null) {
                return new ProduceResult.Rejected(ErrorCode.NOT_LEADER_OR_FOLLOWER, "This server is not the leader"
                        + " of " + tp);
            }
            TopicConfig cfg = config;
            if (acks == -1 && liveIsrSize() < cfg.minInsyncReplicas()) {
                return new ProduceResult.Rejected(ErrorCode.NOT_ENOUGH_REPLICAS, "The size of the current ISR "
                        + image.isr() + " of " + tp + " is insufficient to satisfy the min.isr requirement of "
                        + cfg.minInsyncReplicas());
            }
            if (header.hasProducerId()) {
                var check = producers.check(header.producerId(), header.producerEpoch(), header.baseSequence(),
                        header.lastSequence());
                switch (check) {
                    case ProducerStateManager.Check.Duplicate d -> {
                        return new ProduceResult.Appended(d.firstOffset(), d.lastOffset(),
                                cfg.logAppendTime() ? d.timestamp() : -1, partitionLog.logStartOffset(), true);
                    }
                    case ProducerStateManager.Check.Reject r -> {
                        return new ProduceResult.Rejected(r.error(), r.message());
                    }
                    case ProducerStateManager.Check.Accept a -> {
                    }
                }
            }
            long appendTime = cfg.logAppendTime() ? System.currentTimeMillis() : -1;
            PartitionLog.AppendResult r = partitionLog.append(batch, image.leaderEpoch(), appendTime);
            if (header.hasProducerId()) {
                producers.update(header.producerId(), header.producerEpoch(), header.baseSequence(),
                        header.lastSequence(), r.baseOffset(), r.lastOffset(), r.maxTimestamp());
            }
            if (!strict()) {
                localDurable.advanceTo(partitionLog.logEndOffset());
            }
            appendWatchers.forEach(Runnable::run);
            if (!strict()) {
                maybeAdvanceHighWatermark();
            }
            return new ProduceResult.Appended(r.baseOffset(), r.lastOffset(), appendTime, r.logStartOffset(), false);
        } catch (IOException | RuntimeException e) {
            log.error("Append to {} failed: {}", tp, e.toString());
            return new ProduceResult.Rejected(ErrorCode.KAFKA_STORAGE_ERROR, "Append to " + tp + " failed");
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Completes with NONE once the HW reaches {@code endOffset} (every offset below it readable and, under the strict
     * policy, durable), REQUEST_TIMED_OUT after {@code timeoutMs}, or KAFKA_STORAGE_ERROR when flushing fails.
     */
    public CompletableFuture<ErrorCode> awaitHighWatermark(long endOffset, long timeoutMs) {
        return highWatermark.await(endOffset, timeoutMs);
    }

    /**
     * What a produce with {@code acks} waits for after appending up to {@code endOffset}: acks=1 the leader's own
     * durable write; acks=-1 the HW (every ISR member has it durably), answering NOT_ENOUGH_REPLICAS_AFTER_APPEND
     * when the ISR shrank below {@code min.insync.replicas} meanwhile; REQUEST_TIMED_OUT after {@code timeoutMs};
     * NOT_LEADER_OR_FOLLOWER when leadership is lost first.
     */
    public CompletableFuture<ErrorCode> awaitAcks(long endOffset, short acks, long timeoutMs) {
        if (acks != -1) {
            return localDurable.await(endOffset, timeoutMs);
        }
        return highWatermark.await(endOffset, timeoutMs).thenApply(error ->
                error == ErrorCode.NONE && liveIsrSize() < config.minInsyncReplicas()
                        ? ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND : error);
    }

    /**
     * The ISR members that count for {@code min.insync.replicas}: the committed ISR without the followers this
     * leader has not seen caught up within {@code replica.lag.time.max.ms}. Normally the leader shrinks the ISR
     * itself, but without a metadata quorum (two of three nodes down) it cannot; this keeps acks=all from waiting on
     * replicas it knows are gone. It only ever refuses more, never acknowledges more: the HW still needs the whole
     * committed ISR.
     */
    private int liveIsrSize() {
        FollowerProgress progress = followers;
        PartitionImage current = image;
        if (progress == null) {
            return current.isr().size();
        }
        long now = System.currentTimeMillis();
        int live = 0;
        for (int id : current.isr()) {
            if (id == localId || progress.isCaughtUp(id, now, maxLagMs)) {
                live++;
            }
        }
        return live;
    }

    /** Calls {@code signal} (which must not block) every time the HW moves, until {@link #unwatchHighWatermark}. */
    public void watchHighWatermark(Runnable signal) {
        highWatermark.watch(signal);
    }

    public void unwatchHighWatermark(Runnable signal) {
        highWatermark.unwatch(signal);
    }

    /** Data a fetch may return, with the partition's offsets sampled before the read. */
    public record FetchedData(LogSlice slice, long highWatermark, long logStartOffset) {}

    /**
     * Reads whole batches from the one containing {@code offset}, below the HW.
     *
     * @throws io.chronik.log.OffsetOutOfRangeException when {@code offset} is outside [log start, log end]
     * @throws ChronikException NOT_LEADER_OR_FOLLOWER once the partition was closed or deleted
     */
    public FetchedData read(long offset, int maxBytes, boolean minOneBatch) throws IOException {
        if (closed) {
            throw new ChronikException(ErrorCode.NOT_LEADER_OR_FOLLOWER, tp + " is no longer served here");
        }
        long hw = highWatermark.get();
        LogSlice slice = partitionLog.read(offset, maxBytes, hw, minOneBatch);
        return new FetchedData(slice, hw, partitionLog.logStartOffset());
    }

    /** Reads whole batches from {@code offset} below {@code maxOffsetExclusive}, in any role (replica checks). */
    LogSlice readUpTo(long offset, int maxBytes, long maxOffsetExclusive) throws IOException {
        return partitionLog.read(offset, maxBytes, maxOffsetExclusive, true);
    }

    /** The first batch whose max timestamp is at or after {@code timestamp}, if it lies below the HW. */
    public Optional<PartitionLog.TimestampOffset> batchForTimestamp(long timestamp) throws IOException {
        return partitionLog.offsetForTimestamp(timestamp).filter(t -> t.offset() < highWatermark.get());
    }

    /** The batch holding the largest timestamp, if it lies below the HW. */
    public Optional<PartitionLog.TimestampOffset> batchWithMaxTimestamp() throws IOException {
        return partitionLog.maxTimestamp().filter(t -> t.offset() < highWatermark.get());
    }

    /** The leader epoch of the batch at the log start offset (ListOffsets EARLIEST), or -1 for an empty log. */
    public int epochAtLogStart() throws IOException {
        long start = partitionLog.logStartOffset();
        if (start >= partitionLog.logEndOffset()) {
            return partitionLog.latestEpoch();
        }
        LogSlice slice = partitionLog.read(start, BatchHeader.SIZE, partitionLog.logEndOffset(), true);
        if (slice.isEmpty()) {
            return partitionLog.latestEpoch();
        }
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        slice.channel().read(header, slice.position());
        return header.position() == BatchHeader.SIZE ? BatchHeader.read(header, 0).partitionLeaderEpoch() : -1;
    }

    /** End offset of {@code epoch} (OffsetForLeaderEpoch). */
    public Optional<PartitionLog.EpochEndOffset> endOffsetForEpoch(int epoch) {
        return partitionLog.endOffsetForEpoch(epoch);
    }

    /**
     * DeleteRecords: advances the log start offset to {@code offset}; -1 means the HW. Returns the new log start
     * offset (the low watermark).
     *
     * @throws ChronikException OFFSET_OUT_OF_RANGE beyond the HW, POLICY_VIOLATION on a topic without the delete
     *                          cleanup policy
     */
    public long deleteRecordsBefore(long offset) throws IOException {
        if (!config.delete()) {
            throw new ChronikException(ErrorCode.POLICY_VIOLATION, "Records of partition " + tp
                    + " can not be deleted due to the configured policy");
        }
        long hw = highWatermark.get();
        long target = offset == -1 ? hw : offset;
        if (target < 0 || target > hw) {
            throw new ChronikException(ErrorCode.OFFSET_OUT_OF_RANGE, "Cannot delete records of " + tp
                    + " before offset " + offset + " since it is beyond the high watermark " + hw);
        }
        appendLock.lock();
        try {
            long start = partitionLog.logStartOffset() >= target ? partitionLog.logStartOffset()
                    : partitionLog.deleteRecordsBefore(target);
            producers.evictBefore(start);
            return start;
        } finally {
            appendLock.unlock();
        }
    }

    void enforceRetention(long nowMs) throws IOException {
        partitionLog.enforceRetention(nowMs);
        appendLock.lock();
        try {
            producers.evictBefore(partitionLog.logStartOffset());
        } finally {
            appendLock.unlock();
        }
    }

    private boolean strict() {
        return config.flushMessages() <= 1;
    }

    /**
     * Moves the marks after each force of the log, on the flusher thread that forced it (the strict policy's only way
     * forward; under a relaxed policy the marks follow the appends). Quick and non-blocking: the waiters' callbacks
     * only build responses.
     */
    private final class LocalDurability implements DurabilityListener {
        @Override
        public void durableAdvanced(long durableEndOffset) {
            if (closed || !strict()) {
                return;
            }
            // The HW first: an acks=1 producer answered by the durable mark may ask for the latest offset at once,
            // and with a single replica that is the HW, which must already cover its records.
            maybeAdvanceHighWatermark(durableEndOffset);
            // read under the mark's lock, so a truncation's lower durable end and its reset are never overtaken
            localDurable.advanceTo(partitionLog::durableEndOffset);
        }

        @Override
        public void flushFailed(IOException cause) {
            if (storageFailed.compareAndSet(false, true)) {
                log.error("Flushing {} failed; waiting producers get KAFKA_STORAGE_ERROR: {}", tp, cause.toString());
            }
            highWatermark.failFromNowOn(ErrorCode.KAFKA_STORAGE_ERROR);
            localDurable.failFromNowOn(ErrorCode.KAFKA_STORAGE_ERROR);
        }
    }

    /** This replica's durable end offset under the topic's flush policy. */
    private long localDurableEnd() {
        return config.flushMessages() <= 1 ? partitionLog.durableEndOffset() : partitionLog.logEndOffset();
    }

    /** Leader: moves the HW to the smallest durable end offset over the ISR (followers as last reported). */
    private void maybeAdvanceHighWatermark() {
        maybeAdvanceHighWatermark(localDurable.get());
    }

    /** Like {@link #maybeAdvanceHighWatermark()}, with {@code localMark} as this replica's durable mark. */
    private void maybeAdvanceHighWatermark(long localMark) {
        FollowerProgress progress = followers;
        if (progress == null || closed) {
            return;
        }
        long candidate = Math.min(localMark, localDurableEnd());
        for (int id : image.isr()) {
            if (id != localId) {
                candidate = Math.min(candidate, progress.offset(id));
            }
        }
        highWatermark.advanceTo(candidate);
    }

    // ---- leader side of replication (LeaderReplica) ----

    @Override
    public ErrorCode checkLeader(int epoch) {
        if (closed || followers == null) {
            return ErrorCode.NOT_LEADER_OR_FOLLOWER;
        }
        int current = image.leaderEpoch();
        return epoch == current ? ErrorCode.NONE
                : epoch < current ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
    }

    @Override
    public FollowerRead readForFollower(int followerId, long fetchOffset, int maxBytes, boolean recordProgress)
            throws IOException {
        FollowerProgress progress = followers;
        if (progress == null || closed) {
            throw new ChronikException(ErrorCode.NOT_LEADER_OR_FOLLOWER, "This server is not the leader of " + tp);
        }
        long end = partitionLog.logEndOffset();
        if (fetchOffset < partitionLog.logStartOffset() || fetchOffset > end) {
            throw new OffsetOutOfRangeException("fetch offset " + fetchOffset + " of follower " + followerId
                    + " is outside [" + partitionLog.logStartOffset() + ", " + end + "] of " + tp);
        }
        if (recordProgress && progress.onFetch(followerId, fetchOffset, end, System.currentTimeMillis())) {
            maybeExpandIsr(progress, followerId, fetchOffset);
            maybeAdvanceHighWatermark();
        }
        LogSlice slice = partitionLog.read(fetchOffset, maxBytes, Long.MAX_VALUE, true);
        return new FollowerRead(slice, highWatermark.get(), partitionLog.logStartOffset(), end);
    }

    @Override
    public void watchReplication(Runnable signal) {
        appendWatchers.add(signal);
        highWatermark.watch(signal);
    }

    @Override
    public void unwatchReplication(Runnable signal) {
        appendWatchers.remove(signal);
        highWatermark.unwatch(signal);
    }

    /** A follower outside the ISR joins once it reached the HW and this leader's start offset of the epoch. */
    private void maybeExpandIsr(FollowerProgress progress, int followerId, long fetchOffset) {
        PartitionImage current = image;
        if (current.isr().contains(followerId) || fetchOffset < highWatermark.get()
                || fetchOffset < progress.epochStartOffset()) {
            return;
        }
        List<Integer> isr = new ArrayList<>(current.isr());
        isr.add(followerId);
        proposeIsr(current, isr, "follower " + followerId + " caught up at offset " + fetchOffset);
    }

    /**
     * Leader: drops ISR members not caught up within {@code replica.lag.time.max.ms} (called periodically); while
     * they are too few for {@code min.insync.replicas}, waiting acks=all produces fail with
     * NOT_ENOUGH_REPLICAS_AFTER_APPEND.
     */
    void maybeShrinkIsr(long nowMs) {
        FollowerProgress progress = followers;
        if (progress == null || closed) {
            return;
        }
        PartitionImage current = image;
        List<Integer> lagging = progress.laggingMembers(current.isr(), nowMs, maxLagMs);
        if (lagging.isEmpty()) {
            return;
        }
        if (current.isr().size() - lagging.size() < config.minInsyncReplicas()) {
            highWatermark.failWaiters(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
        }
        List<Integer> isr = new ArrayList<>(current.isr());
        isr.removeAll(lagging);
        proposeIsr(current, isr, "replicas " + lagging + " not caught up for " + maxLagMs + " ms");
    }

    private void proposeIsr(PartitionImage current, List<Integer> isr, String why) {
        if (System.nanoTime() - isrRetryAfterNanos < 0 || !isrChangeInFlight.compareAndSet(false, true)) {
            return;
        }
        log.info("{}: proposing ISR {} (was {}) in epoch {}: {}", tp, isr, current.isr(), current.leaderEpoch(),
                why);
        var change = new MetadataCommand.ChangeIsr(tp.topic(), tp.partition(), current.leaderEpoch(), List.copyOf(isr));
        isrUpdater.propose(change, () -> {
            if (image.isr().equals(current.isr())) {
                isrRetryAfterNanos = System.nanoTime() + ISR_RETRY_NANOS;
            }
            isrChangeInFlight.set(false);
        });
    }

    // ---- follower side of replication (FollowerReplica) ----

    @Override
    public long durableEndOffset() {
        return localDurableEnd();
    }

    @Override
    public int latestEpoch() {
        return partitionLog.latestEpoch();
    }

    @Override
    public void truncateTo(long offset, int leaderEpoch) throws IOException {
        appendLock.lock();
        try {
            requireFollowing(leaderEpoch);
            partitionLog.truncateTo(offset);
            afterTruncation();
        } finally {
            appendLock.unlock();
        }
    }

    @Override
    public void truncateFullyAndStartAt(long offset, int leaderEpoch) throws IOException {
        appendLock.lock();
        try {
            requireFollowing(leaderEpoch);
            partitionLog.truncateFullyAndStartAt(offset);
            afterTruncation();
        } finally {
            appendLock.unlock();
        }
    }

    /** Under appendLock: producer state and marks follow the truncated log. */
    private void afterTruncation() throws IOException {
        rebuildProducerState();
        long end = partitionLog.logEndOffset();
        if (highWatermark.get() > end) {
            log.warn("{}: truncated below the high watermark {} to {}", tp, highWatermark.get(), end);
            highWatermark.resetTo(end);
        }
        if (highWatermark.get() < partitionLog.logStartOffset()) {
            highWatermark.resetTo(partitionLog.logStartOffset());
        }
        localDurable.resetTo(localDurableEnd());
    }

    @Override
    public void appendAsFollower(ByteBuffer batch, int leaderEpoch) throws IOException {
        appendLock.lock();
        try {
            requireFollowing(leaderEpoch);
            BatchHeader h = BatchHeader.read(batch);
            partitionLog.appendAsFollower(batch);
            if (h.hasProducerId() && !h.isControl()) {
                producers.update(h.producerId(), h.producerEpoch(), h.baseSequence(), h.lastSequence(),
                        h.baseOffset(), h.lastOffset(), h.maxTimestamp());
            }
        } finally {
            appendLock.unlock();
        }
    }

    @Override
    public boolean awaitDurable(long endOffset, Duration timeout) throws IOException, InterruptedException {
        return partitionLog.awaitDurable(endOffset, timeout);
    }

    @Override
    public void updateHighWatermarkFromLeader(long leaderHighWatermark, int leaderEpoch) {
        if (followers == null && image.leaderEpoch() == leaderEpoch) {
            highWatermark.advanceTo(Math.min(leaderHighWatermark, localDurableEnd()));
        }
    }

    private void requireFollowing(int leaderEpoch) {
        if (closed || followers != null || image.leaderEpoch() != leaderEpoch) {
            throw new StaleEpochException(tp + " no longer follows leader epoch " + leaderEpoch);
        }
    }

    /** Closes the log (flushing it); pending produce waiters get NOT_LEADER_OR_FOLLOWER. */
    void close() throws IOException {
        appendLock.lock();
        try {
            closed = true;
        } finally {
            appendLock.unlock();
        }
        highWatermark.failWaiters(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        localDurable.failWaiters(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        partitionLog.close();
    }

    /** Closes and deletes the log; pending produce waiters get UNKNOWN_TOPIC_OR_PARTITION. */
    void delete() throws IOException {
        appendLock.lock();
        try {
            closed = true;
        } finally {
            appendLock.unlock();
        }
        highWatermark.failWaiters(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        localDurable.failWaiters(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        partitionLog.delete();
    }
}
