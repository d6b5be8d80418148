package io.chronik.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The durable log of one partition: a directory of segments. CONTRACT SKELETON — implemented by the log work.
 *
 * <p>Thread-safety: all methods are safe to call concurrently. Appends are serialized internally; reads never block
 * appends. Callers that need an atomic check-then-append (idempotent producers) hold their own lock around
 * {@link #append}.
 */
public final class PartitionLog implements Closeable {

    /** Result of an append: the offsets the broker stamped into the batch. */
    public record AppendResult(long baseOffset, long lastOffset, long maxTimestamp, long logStartOffset) {}

    /** A timestamp and the first offset at or after it, as ListOffsets reports it. */
    public record TimestampOffset(long timestamp, long offset, int leaderEpoch) {}

    /** The end offset (exclusive) of a leader epoch, for OffsetForLeaderEpoch (KIP-101). */
    public record EpochEndOffset(int leaderEpoch, long endOffset) {}

    /**
     * Opens (creating if absent) the log in {@code dir}, recovering after a crash: every batch of the tail beyond the
     * last clean flush is checked (size, magic, CRC-32C); the log is truncated at the first torn or corrupt batch and
     * its indexes rebuilt. Corruption is logged with the file and byte position.
     */
    public static PartitionLog open(Path dir, LogConfig config, LogFlusher flusher) throws IOException {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public LogConfig config() {
        throw new UnsupportedOperationException();
    }

    /** Applies changed topic configs (retention, segment size, flush policy) from now on. */
    public void updateConfig(LogConfig config) {
        throw new UnsupportedOperationException();
    }

    /** First offset still readable (advanced by retention and {@link #deleteRecordsBefore}). */
    public long logStartOffset() {
        throw new UnsupportedOperationException();
    }

    /** Offset the next appended batch will get. */
    public long logEndOffset() {
        throw new UnsupportedOperationException();
    }

    /** Every offset below this has been forced to disk. */
    public long durableEndOffset() {
        throw new UnsupportedOperationException();
    }

    /**
     * Appends exactly one validated magic-v2 batch (the bytes of {@code batch} from position to limit), stamping its
     * baseOffset with {@link #logEndOffset()} and its partitionLeaderEpoch; when {@code logAppendTimeMs >= 0} the batch
     * becomes LOG_APPEND_TIME with that max timestamp (CRC recomputed). Rolls the segment when needed. Writes the bytes
     * to the segment file but does not force them: use {@link #awaitDurable}. The buffer's contents are modified.
     */
    public AppendResult append(ByteBuffer batch, int leaderEpoch, long logAppendTimeMs) throws IOException {
        throw new UnsupportedOperationException();
    }

    /**
     * Blocks until every offset below {@code endOffset} is durable under this log's flush policy (group commit:
     * concurrent callers share one {@code force()}), or the timeout passes. With a relaxed policy
     * ({@code flush.messages > 1}) this returns at once. Returns false on timeout.
     */
    public boolean awaitDurable(long endOffset, Duration timeout) throws IOException, InterruptedException {
        throw new UnsupportedOperationException();
    }

    /**
     * Reads whole batches starting with the batch containing {@code offset}, up to {@code maxBytes} (but at least
     * one whole batch when {@code minOneBatch}), never including a batch whose last offset is at or beyond
     * {@code maxOffsetExclusive}. Stays within one segment. Returns an empty slice at the end of the readable data.
     *
     * @throws OffsetOutOfRangeException when {@code offset} is below the log start or above the log end offset
     */
    public LogSlice read(long offset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** The first batch whose max timestamp is at or after {@code timestamp} (via the time index). */
    public Optional<TimestampOffset> offsetForTimestamp(long timestamp) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** The largest timestamp in the log and the offset of the batch that holds it (ListOffsets MAX_TIMESTAMP). */
    public Optional<TimestampOffset> maxTimestamp() throws IOException {
        throw new UnsupportedOperationException();
    }

    /**
     * Advances the log start offset to {@code offset} (DeleteRecords), durably; whole segments below it are deleted.
     * Returns the new log start offset.
     */
    public long deleteRecordsBefore(long offset) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Removes every batch at or above {@code offset} (replication divergence, KIP-101). */
    public void truncateTo(long offset) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Latest leader epoch recorded in the log, or -1. */
    public int latestEpoch() {
        throw new UnsupportedOperationException();
    }

    /** End offset of {@code epoch}: the start offset of the next higher epoch, or the log end offset. */
    public Optional<EpochEndOffset> endOffsetForEpoch(int epoch) {
        throw new UnsupportedOperationException();
    }

    /** Visits the header of every batch from {@code fromOffset} to the end, in order (producer-state rebuild). */
    public void forEachBatch(long fromOffset, Consumer<BatchHeader> visitor) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Rolls by {@code segment.ms} and deletes segments beyond {@code retention.ms}/{@code retention.bytes}. */
    public void enforceRetention(long nowMs) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Total bytes of all segment files. */
    public long sizeInBytes() {
        throw new UnsupportedOperationException();
    }

    public Path dir() {
        throw new UnsupportedOperationException();
    }

    /** Closes the log and deletes its directory. */
    public void delete() throws IOException {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() throws IOException {
        throw new UnsupportedOperationException();
    }
}
