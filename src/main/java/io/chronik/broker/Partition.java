package io.chronik.broker;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import io.chronik.log.BatchHeader;
import io.chronik.log.LogSlice;
import io.chronik.log.PartitionLog;
import io.chronik.metadata.PartitionImage;
import io.chronik.metadata.TopicConfig;
import io.chronik.txn.ProducerStateManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's replica of one partition: its {@link PartitionLog}, the idempotent-producer state, and the high
 * watermark.
 *
 * <p><b>High watermark (standalone, one replica).</b> Consumers only read below the high watermark (HW). With the
 * strict default ({@code flush.messages=1}) the HW is the log's durable end offset: an offset becomes visible only
 * once it has been forced to disk, so no consumer ever sees a record that a crash could take back. With a relaxed
 * policy ({@code flush.messages > 1}) the HW is the log end offset, moved on every append. After a restart the HW
 * starts at the recovered log's durable end offset. The HW moves forward only.
 *
 * <p><b>Appends</b> are made on the caller's thread (the connection reader, so in request order) under the partition
 * lock, which makes the producer-sequence check and the append atomic. Under the strict policy a virtual thread
 * (one per partition, only while the HW lags the log end) waits for the group-commit flush
 * ({@link PartitionLog#awaitDurable}) and advances the HW, completing waiting produce requests
 * ({@link #awaitHighWatermark}) and signalling long-polling fetches ({@link #watchHighWatermark}).
 *
 * <p>Thread-safe.
 */
public final class Partition {
    private static final Logger log = LoggerFactory.getLogger(Partition.class);
    private static final Duration DURABLE_WAIT_SLICE = Duration.ofSeconds(1);

    private final TopicPartition tp;
    private final UUID topicId;
    private final PartitionLog partitionLog;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final ProducerStateManager producers = new ProducerStateManager(); // guarded by appendLock
    private final HighWatermark highWatermark;
    private volatile TopicConfig config;
    private volatile int leaderEpoch;
    private boolean advancing; // guarded by appendLock: an HW advancer thread is running
    private boolean storageFailed; // guarded by appendLock
    private volatile boolean closed;

    private Partition(TopicPartition tp, UUID topicId, PartitionLog partitionLog, TopicConfig config, int leaderEpoch,
            long highWatermark) {
        this.tp = tp;
        this.topicId = topicId;
        this.partitionLog = partitionLog;
        this.config = config;
        this.leaderEpoch = leaderEpoch;
        this.highWatermark = new HighWatermark(highWatermark);
    }

    /** Wraps an opened log, rebuilding the producer state from its batches. */
    static Partition open(TopicPartition tp, UUID topicId, PartitionLog partitionLog, TopicConfig config,
            PartitionImage image) throws IOException {
        long hw = config.flushMessages() <= 1 ? partitionLog.durableEndOffset() : partitionLog.logEndOffset();
        Partition p = new Partition(tp, topicId, partitionLog, config, image.leaderEpoch(), hw);
        p.rebuildProducerState();
        p.catchUpHighWatermark();
        return p;
    }

    private void rebuildProducerState() throws IOException {
        long start = System.nanoTime();
        appendLock.lock();
        try {
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

    /** Under the strict policy, starts moving the HW if the recovered log holds data not yet known durable. */
    private void catchUpHighWatermark() {
        appendLock.lock();
        try {
            if (strict() && highWatermark.get() < partitionLog.logEndOffset()) {
                startAdvancerIfIdle();
            }
        } finally {
            appendLock.unlock();
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
        return leaderEpoch;
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

    void update(TopicConfig newConfig, PartitionImage image) {
        leaderEpoch = image.leaderEpoch();
        if (!newConfig.equals(config)) {
            config = newConfig;
            partitionLog.updateConfig(LogConfigs.of(newConfig));
            if (!strict()) {
                highWatermark.advanceTo(partitionLog.logEndOffset());
            }
        }
    }

    /**
     * Checks a client's leader epoch against ours: FENCED_LEADER_EPOCH when it is older, UNKNOWN_LEADER_EPOCH when
     * newer. -1 means the client did not say and skips the check.
     */
    public void checkLeaderEpoch(int currentLeaderEpoch) {
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
        appendLock.lock();
        try {
            if (closed) {
                return new ProduceResult.Rejected(ErrorCode.NOT_LEADER_OR_FOLLOWER, tp + " is being closed");
            }
            TopicConfig cfg = config;
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
            PartitionLog.AppendResult r = partitionLog.append(batch, leaderEpoch, appendTime);
            if (header.hasProducerId()) {
                producers.update(header.producerId(), header.producerEpoch(), header.baseSequence(),
                        header.lastSequence(), r.baseOffset(), r.lastOffset(), r.maxTimestamp());
            }
            if (strict()) {
                startAdvancerIfIdle();
            } else {
                highWatermark.advanceTo(partitionLog.logEndOffset());
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

    private void startAdvancerIfIdle() {
        if (!advancing) {
            advancing = true;
            Thread.ofVirtual().name("chronik-hw-" + tp).start(this::advanceWhileBehind);
        }
    }

    /** Waits for the log to become durable up to its end and moves the HW, until the HW has caught up. */
    private void advanceWhileBehind() {
        while (true) {
            long target;
            appendLock.lock();
            try {
                target = partitionLog.logEndOffset();
                if (closed || target <= highWatermark.get()) {
                    advancing = false;
                    return;
                }
            } finally {
                appendLock.unlock();
            }
            try {
                partitionLog.awaitDurable(target, DURABLE_WAIT_SLICE);
                highWatermark.advanceTo(Math.min(partitionLog.durableEndOffset(), target));
                markStorageHealthy();
            } catch (IOException | RuntimeException e) {
                markStorageFailed(e);
                highWatermark.failWaiters(ErrorCode.KAFKA_STORAGE_ERROR);
                if (!sleepQuietly(100)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void markStorageFailed(Exception e) {
        appendLock.lock();
        try {
            if (!storageFailed) {
                storageFailed = true;
                log.error("Flushing {} failed; waiting producers get KAFKA_STORAGE_ERROR: {}", tp, e.toString());
            }
        } finally {
            appendLock.unlock();
        }
    }

    private void markStorageHealthy() {
        appendLock.lock();
        try {
            if (storageFailed) {
                storageFailed = false;
                log.info("Flushing {} works again", tp);
            }
        } finally {
            appendLock.unlock();
        }
    }

    private boolean sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            appendLock.lock();
            advancing = false;
            appendLock.unlock();
            return false;
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
        partitionLog.delete();
    }
}
