package io.chronik.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable log of one partition: a directory of {@link LogSegment}s plus the {@code log-start-offset},
 * {@code recovery-point} and {@code leader-epoch-checkpoint} files (layouts in {@code docs/storage-format.md}).
 *
 * <p>Durability rule: {@link #append} writes the batch to the active segment without forcing it. Under the default
 * policy ({@code flush.messages <= 1}) an append is durable, and may be acknowledged, once {@link #awaitDurable}
 * returned true or the log's {@link DurabilityListener} was told so: the shared {@link LogFlusher} has forced the
 * segment (and any rolled segment before it) past the offset. Under a relaxed policy the flusher forces every
 * {@code flush.messages} offsets or {@code flush.ms}, and {@code awaitDurable} does not wait.
 * {@link #durableEndOffset()} always reports what was really forced. An append made while its thread holds an open
 * {@link FlushDeferral} queues its force when the deferral releases, so that pipelined requests share it.
 *
 * <p>Segment deletion (retention, DeleteRecords, truncation, compaction) renames the files to {@code *.deleted} and
 * closes and removes them after the flusher's file delete delay, so a {@link LogSlice} handed out just before stays
 * readable. For {@code cleanup.policy=compact} a {@link LogCleaner} replaces sealed segments by compacted copies
 * ({@link #replaceSegments}); offsets then have gaps between batches but still strictly increase.
 *
 * <p>Thread-safety: all methods are safe to call concurrently. Appends are serialized internally; reads never block
 * appends. Callers that need an atomic check-then-append (idempotent producers) hold their own lock around
 * {@link #append}. Do not interrupt a thread while it is inside this class or {@link LogSlice#transferTo}: an
 * interrupt during file IO closes the segment's {@code FileChannel} for every user (JDK interruptible channels).
 *
 * <p>This class is the facade the broker codes against; the work lives in {@link LogSegment}, {@link GroupCommit},
 * {@link LogRecovery}, {@link RetentionPolicy} and {@link LeaderEpochCache}. Most of its length is the contract.
 */
public final class PartitionLog implements Closeable {

    /**
     * How long {@link #awaitDurable} leaves queueing a force to an open {@link FlushDeferral} on another thread that
     * holds this log, before queueing it itself (a safety net: holders release before they could block).
     */
    static final Duration HELD_FLUSH_WAIT = Duration.ofMillis(20);
    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

    /** Result of an append: the offsets the broker stamped into the batch. */
    public record AppendResult(long baseOffset, long lastOffset, long maxTimestamp, long logStartOffset) {}

    /** A timestamp and the first offset at or after it, as ListOffsets reports it. */
    public record TimestampOffset(long timestamp, long offset, int leaderEpoch) {}

    /** The end offset (exclusive) of a leader epoch, for OffsetForLeaderEpoch (KIP-101). */
    public record EpochEndOffset(int leaderEpoch, long endOffset) {}

    /** The file in a log directory holding the random id that journal entries carry (replay skips other ids). */
    static final String JOURNAL_ID_FILE = "journal-id";

    private final Path dir;
    private final LogFlusher flusher;
    /** The shared journal (null when the flusher has none or this log is not in its logs directory). */
    private final Journal journal;
    private final long journalId;
    private final byte[] journalName;
    private final LeaderEpochCache epochs;
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    /** Open {@link FlushDeferral}s holding back a flush request of this log. */
    private final AtomicInteger heldFlushes = new AtomicInteger();
    private final ReentrantLock appendLock = new ReentrantLock();
    private final GroupCommit groupCommit;
    private final DurableOffset durable;
    /** Held by the cleaner during a compaction pass; {@link #close} takes it after asking the pass to stop. */
    private final ReentrantLock cleanerLock = new ReentrantLock();
    private volatile boolean closing;
    /** Counts truncations; a compaction pass planned before one is abandoned. */
    private volatile long truncations;
    /** The latest delete horizon of a tombstone compaction kept, or -1 (in memory only, as in Kafka). */
    private volatile long latestDeleteHorizonMs = -1;
    private volatile LogConfig config;
    private volatile LogSegment active;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile boolean closed;

    private PartitionLog(Path dir, LogConfig config, LogFlusher flusher, LeaderEpochCache epochs,
            LogRecovery.Loaded loaded, Journal journal, long journalId) {
        this.dir = dir;
        this.journal = journal;
        this.journalId = journalId;
        this.journalName = dir.getFileName().toString().getBytes(StandardCharsets.UTF_8);
        this.config = config;
        this.flusher = flusher;
        this.epochs = epochs;
        for (LogSegment segment : loaded.segments()) {
            segments.put(segment.baseOffset(), segment);
        }
        this.active = loaded.segments().getLast();
        this.logStartOffset = loaded.logStartOffset();
        this.logEndOffset = active.nextOffset();
        this.groupCommit = new GroupCommit(dir, appendLock, logEndOffset, loaded.recoveryPoint(), journal);
        this.durable = groupCommit.durable();
    }

    /**
     * Opens (creating if absent) the log in {@code dir}, recovering after a crash: every batch of the tail beyond the
     * last clean flush is checked (size, magic, CRC-32C); the log is truncated at the first torn or corrupt batch and
     * its indexes rebuilt. Corruption is logged with the file and byte position. See {@link LogRecovery}.
     */
    public static PartitionLog open(Path dir, LogConfig config, LogFlusher flusher) throws IOException {
        Files.createDirectories(dir);
        LeaderEpochCache epochs = LeaderEpochCache.load(dir);
        Journal journal = flusher.journalFor(dir);
        long journalId = journal == null ? 0 : journalId(dir, true).orElseThrow();
        var log = new PartitionLog(dir, config, flusher, epochs, LogRecovery.load(dir, config, epochs), journal,
                journalId);
        flusher.register(log);
        return log;
    }

    /** The journal id of the log in {@code dir}; with {@code create}, a new random one is written when absent. */
    static OptionalLong journalId(Path dir, boolean create) throws IOException {
        Path file = dir.resolve(JOURNAL_ID_FILE);
        OptionalLong id = CheckpointFile.readOffset(file);
        if (id.isEmpty() && create) {
            long fresh = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
            CheckpointFile.writeOffset(file, fresh);
            return OptionalLong.of(fresh);
        }
        return id;
    }

    public LogConfig config() {
        return config;
    }

    /**
     * Applies changed topic configs (retention, segment size, flush policy) from now on; {@code preallocate} from the
     * active segment's next preallocated chunk on.
     */
    public void updateConfig(LogConfig config) {
        appendLock.lock();
        try {
            this.config = config;
            active.configurePreallocation(config);
        } finally {
            appendLock.unlock();
        }
    }

    /** First offset still readable (advanced by retention and {@link #deleteRecordsBefore}). */
    public long logStartOffset() {
        return logStartOffset;
    }

    /** Offset the next appended batch will get. */
    public long logEndOffset() {
        return logEndOffset;
    }

    /** Every offset below this has been forced to disk. */
    public long durableEndOffset() {
        return durable.value();
    }

    /**
     * Appends exactly one validated magic-v2 batch (the bytes of {@code batch} from position to limit), stamping its
     * baseOffset with {@link #logEndOffset()} and its partitionLeaderEpoch; when {@code logAppendTimeMs >= 0} the batch
     * becomes LOG_APPEND_TIME with that max timestamp (CRC recomputed). Rolls the segment when needed. Writes the bytes
     * to the segment file but does not force them: use {@link #awaitDurable}. The buffer's contents are modified.
     */
    public AppendResult append(ByteBuffer batch, int leaderEpoch, long logAppendTimeMs) throws IOException {
        requireBatch(batch);
        AppendResult result;
        boolean flushNeeded;
        int[] reservation = {reserveJournal(batch.remaining())};
        appendLock.lock();
        try {
            long baseOffset = logEndOffset;
            BatchStamper.stamp(batch, baseOffset, leaderEpoch, logAppendTimeMs);
            result = appendStamped(batch, BatchHeader.read(batch), reservation);
            flushNeeded = groupCommit.isFlushNeeded(config, logEndOffset);
        } finally {
            appendLock.unlock();
            unreserveJournal(reservation[0]);
        }
        if (flushNeeded) {
            FlushDeferral deferral = FlushDeferral.current();
            if (deferral != null) {
                deferral.hold(this);
            } else {
                flusher.requestFlush(this);
            }
        }
        return result;
    }

    /**
     * Appends a batch copied from the partition leader as is: its base offset must equal {@link #logEndOffset()} and
     * its partitionLeaderEpoch feeds the leader epoch cache. Otherwise like {@link #append}.
     *
     * @throws IllegalArgumentException when the batch's base offset is not the log end offset
     */
    public AppendResult appendAsFollower(ByteBuffer batch) throws IOException {
        requireBatch(batch);
        AppendResult result;
        boolean flushNeeded;
        int[] reservation = {reserveJournal(batch.remaining())};
        appendLock.lock();
        try {
            BatchHeader header = BatchHeader.read(batch);
            if (header.baseOffset() != logEndOffset) {
                throw new IllegalArgumentException("replicated batch starts at offset " + header.baseOffset()
                        + " but the log end offset is " + logEndOffset);
            }
            result = appendStamped(batch, header, reservation);
            flushNeeded = groupCommit.isFlushNeeded(config, logEndOffset);
        } finally {
            appendLock.unlock();
            unreserveJournal(reservation[0]);
        }
        if (flushNeeded) {
            flusher.requestFlush(this);
        }
        return result;
    }

    /**
     * Writes a stamped batch to the active segment (rolling first when needed) and, when {@code reservation[0]} holds
     * a journal reservation (>= 0) and the log may journal, the journal entry that makes it durable; otherwise a force
     * of the segment will. The reservation is consumed (set to -1) when the journal entry was attempted.
     */
    private AppendResult appendStamped(ByteBuffer batch, BatchHeader header, int[] reservation) throws IOException {
        ensureWritable();
        LogSegment segment = active;
        if (segment.shouldRoll(header, config)) {
            segment = roll();
        }
        if (epochs.assign(header.partitionLeaderEpoch(), header.baseOffset())) {
            epochs.persist();
        }
        segment.append(batch, header);
        groupCommit.onAppend();
        logEndOffset = header.nextOffset();
        journalAppend(batch, reservation);
        return new AppendResult(header.baseOffset(), header.lastOffset(), header.maxTimestamp(), logStartOffset);
    }

    /** Under the append lock, after the segment write: journals the batch, or leaves it to a segment force. */
    private void journalAppend(ByteBuffer batch, int[] reservation) {
        int size = reservation[0];
        if (size < 0 || !groupCommit.mayJournal()) {
            groupCommit.onSegmentOnlyAppend();
            return;
        }
        reservation[0] = -1;
        groupCommit.beforeJournalEntry();
        try {
            groupCommit.onJournaled(journal.append(Journal.APPEND, journalId, journalName, batch, size));
        } catch (IOException e) {
            // the journal is broken (its failure is sticky); the segment force keeps this append's durability
            LOG.error("Journal write for {} failed; its appends are forced in their segments from now on", dir, e);
            groupCommit.onSegmentOnlyAppend();
        }
    }

    /**
     * Reserves journal space for a batch of {@code batchBytes} when this log journals its appends: returns the entry
     * size, or -1 when the append is made durable by a segment force instead (no journal, a relaxed flush policy, a
     * batch too large for the journal). Called without holding the append lock.
     */
    private int reserveJournal(int batchBytes) throws IOException {
        if (journal == null || !config.syncEveryAppend() || batchBytes > journal.maxPayload()) {
            return -1;
        }
        int size = Journal.entrySize(journalName, batchBytes);
        return journal.reserve(size) ? size : -1;
    }

    private void unreserveJournal(int size) {
        if (size >= 0) {
            journal.unreserve(size);
        }
    }

    /**
     * Reserves journal space for a truncation entry (call without the log's locks): its size, or -1 without a journal.
     *
     * @throws IOException when the journal failed: a truncation it does not record could be undone by a replay
     */
    private int reserveTruncation() throws IOException {
        if (journal == null) {
            return -1;
        }
        int size = Journal.entrySize(journalName, Long.BYTES);
        if (!journal.reserve(size)) {
            throw new IOException("cannot truncate " + dir + ": the journal failed");
        }
        return size;
    }

    /**
     * Under the flush and append locks, before the log is cut: journals the truncation to {@code offset} and forces
     * the journal, so a replay after a crash never re-appends the batches the truncation removes. Holding the locks
     * keeps every append journaled before the truncation entry also cut by it.
     */
    private void journalTruncation(byte type, long offset, int reservedSize) throws IOException {
        if (reservedSize < 0) {
            return;
        }
        ByteBuffer payload = ByteBuffer.allocate(Long.BYTES).putLong(0, offset);
        groupCommit.beforeJournalEntry();
        journal.forceUpTo(journal.append(type, journalId, journalName, payload, reservedSize));
    }

    /**
     * Journal replay: re-applies a stamped batch from the journal. A batch already in the log with the same bytes is
     * skipped; one that differs (the log was truncated and written again after the entry) replaces the log from its
     * base offset; one entirely below the log start offset is dropped. A batch beyond the log end offset (data lost
     * from the segment although it should have been forced) is appended after a logged gap in the offsets.
     */
    void replayAppend(ByteBuffer batch) throws IOException {
        requireBatch(batch);
        BatchHeader header = BatchHeader.read(batch);
        if (header.nextOffset() <= logStartOffset) {
            return;
        }
        if (header.baseOffset() < logEndOffset) {
            if (storedBatchEquals(header.baseOffset(), batch)) {
                return;
            }
            truncateTo(header.baseOffset());
        }
        appendLock.lock();
        try {
            if (header.baseOffset() > logEndOffset) {
                LOG.error("Journal replay of {}: offsets [{}, {}) are missing from the segments; continuing at {}",
                        dir, logEndOffset, header.baseOffset(), header.baseOffset());
            }
            appendStamped(batch, header, new int[] {-1});
        } finally {
            appendLock.unlock();
        }
    }

    private boolean storedBatchEquals(long baseOffset, ByteBuffer batch) throws IOException {
        LogSlice slice = read(baseOffset, batch.remaining(), Long.MAX_VALUE, true);
        if (slice.isEmpty() || slice.firstOffset() != baseOffset || slice.sizeInBytes() < batch.remaining()) {
            return false;
        }
        ByteBuffer stored = ByteBuffer.allocate(batch.remaining());
        return FileChannels.readFully(slice.channel(), stored, slice.position()) && stored.flip().equals(batch);
    }

    /** Seals the active segment and starts a new one at the log end offset. Caller holds appendLock. */
    private LogSegment roll() throws IOException {
        LogSegment old = active;
        old.seal();
        LogSegment next = LogSegment.create(dir, logEndOffset, config);
        groupCommit.onRoll(old);
        segments.put(next.baseOffset(), next);
        active = next;
        return next;
    }

    /**
     * Blocks until every offset below {@code endOffset} is durable under this log's flush policy (group commit:
     * concurrent callers share one {@code force()}), or the timeout passes. With a relaxed policy
     * ({@code flush.messages > 1}) this returns at once. Returns false on timeout. Releases the calling thread's open
     * {@link FlushDeferral} first, so a holder never waits for its own held-back force.
     *
     * @throws IOException when a force of this log failed (the disk is no longer trustworthy)
     */
    public boolean awaitDurable(long endOffset, Duration timeout) throws IOException, InterruptedException {
        durable.throwIfFailed();
        if (!config.syncEveryAppend() || durable.value() >= endOffset) {
            return true;
        }
        FlushDeferral own = FlushDeferral.current();
        if (own != null) {
            own.release();
        }
        long timeoutNanos = timeout.toNanos();
        if (heldFlushes.get() > 0) {
            // A deferral on another thread will queue the force when it releases; ask ourselves only if it does not.
            long start = System.nanoTime();
            if (durable.await(endOffset, Math.min(timeoutNanos, HELD_FLUSH_WAIT.toNanos()))) {
                return true;
            }
            timeoutNanos -= System.nanoTime() - start;
            if (timeoutNanos <= 0) {
                return false; // the caller gave up within the holder's turn: leave the force to the holder
            }
        }
        flusher.requestFlush(this);
        return durable.await(endOffset, timeoutNanos);
    }

    /**
     * Sets the listener told after every force of this log, on the forcing thread: the new durable end offset, or the
     * failure (see {@link DurabilityListener}). Replaces the previous one; null for none. A caller that only needs to
     * know when some offsets are durable, without a thread waiting, uses this instead of {@link #awaitDurable}.
     */
    public void setDurabilityListener(DurabilityListener listener) {
        groupCommit.setListener(listener);
    }

    /** Queues a force of everything appended so far (appends queue their own; this is for recovered data). */
    public void requestFlush() {
        flusher.requestFlush(this);
    }

    /** Under an open {@link FlushDeferral} on another thread: one more holder will queue this log's force. */
    void holdFlush() {
        heldFlushes.incrementAndGet();
    }

    /** How many open deferrals hold a flush request of this log (tests). */
    int heldFlushCount() {
        return heldFlushes.get();
    }

    /** A holder releases: queues the force it held back. */
    void releaseHeldFlush() {
        heldFlushes.decrementAndGet();
        flusher.requestFlush(this);
    }

    boolean markFlushQueued() {
        return groupCommit.markQueued();
    }

    void clearFlushQueued() {
        groupCommit.clearQueued();
    }

    boolean isFlushDue(long nowNanos) {
        return groupCommit.isFlushDue(config, nowNanos);
    }

    /** Forces everything appended so far and advances the durable offset (see {@link GroupCommit}). */
    void flush() throws IOException {
        groupCommit.flush(this::tail);
    }

    /** What a force must cover; {@link GroupCommit} calls it under the append lock. */
    private GroupCommit.Tail tail() {
        return new GroupCommit.Tail(logEndOffset, active, closed);
    }

    /** For the journal checkpoint: forces this log's segments when it took journal entries since the last one. */
    void forceForJournalCheckpoint() throws IOException {
        if (!groupCommit.takeJournaledSinceCheckpoint()) {
            return;
        }
        if (durable.hasFailed()) {
            return; // a failed log acknowledges nothing more; it must not hold the journal for everyone else
        }
        try {
            groupCommit.forceForCheckpoint(this::tail);
        } catch (IOException | RuntimeException e) {
            groupCommit.beforeJournalEntry(); // still owed to the next checkpoint
            throw e;
        }
    }

    /**
     * Reads whole batches starting with the batch containing {@code offset}, up to {@code maxBytes} (but at least
     * one whole batch when {@code minOneBatch}), never including a batch whose last offset is at or beyond
     * {@code maxOffsetExclusive}. Stays within one segment. Returns an empty slice at the end of the readable data.
     *
     * @throws OffsetOutOfRangeException when {@code offset} is below the log start or above the log end offset
     */
    public LogSlice read(long offset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch) throws IOException {
        long end = logEndOffset;
        requireInRange(offset, end);
        if (offset == end) {
            return LogSlice.empty(offset);
        }
        // An append grows the segment before it publishes the new log end offset: never hand out a batch past the
        // end offset checked above, or the caller's next read would start beyond the end it can see.
        maxOffsetExclusive = Math.min(maxOffsetExclusive, end);
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
        while (entry != null) {
            LogSegment segment = entry.getValue();
            LogSlice slice = segment.slice(offset, maxBytes, maxOffsetExclusive, minOneBatch, segment.size());
            if (slice != null) {
                return slice;
            }
            entry = segments.higherEntry(entry.getKey());
        }
        requireInRange(offset, logEndOffset);
        return LogSlice.empty(offset);
    }

    private void requireInRange(long offset, long end) {
        long start = logStartOffset;
        if (offset < start || offset > end) {
            throw new OffsetOutOfRangeException("offset " + offset + " is outside the log range [" + start + ", "
                    + end + "] of " + dir);
        }
    }

    /**
     * The first batch whose max timestamp is at or after {@code timestamp} (via the time index). Precision: the log
     * does not parse records, so the result is that batch's max timestamp and its base offset (or the log start
     * offset when that is inside the batch); the caller may refine it to the first matching record.
     */
    public Optional<TimestampOffset> offsetForTimestamp(long timestamp) throws IOException {
        long start = logStartOffset;
        for (LogSegment segment : segments.values()) {
            if (segment.nextOffset() <= start && segment != active) {
                continue;
            }
            Optional<BatchHeader> found = segment.findByTimestamp(timestamp, start, segment.size());
            if (found.isPresent()) {
                BatchHeader header = found.get();
                return Optional.of(new TimestampOffset(header.maxTimestamp(), Math.max(header.baseOffset(), start),
                        header.partitionLeaderEpoch()));
            }
        }
        return Optional.empty();
    }

    /**
     * The largest timestamp in the log and the offset of the batch that holds it (ListOffsets MAX_TIMESTAMP): the base
     * offset of the first batch that reached it, with that offset's leader epoch. Empty when no batch has a timestamp.
     */
    public Optional<TimestampOffset> maxTimestamp() throws IOException {
        return segments.values().stream()
                .map(LogSegment::maxTimestamp)
                .filter(max -> max.timestamp() >= 0)
                .max(Comparator.comparingLong(TimeIndex.TimestampOffset::timestamp)
                        .thenComparing(Comparator.comparingLong(TimeIndex.TimestampOffset::offset).reversed()))
                .map(max -> new TimestampOffset(max.timestamp(), max.offset(), epochs.epochForOffset(max.offset())));
    }

    /**
     * Advances the log start offset to {@code offset} (DeleteRecords), durably; whole segments below it are deleted.
     * Returns the new log start offset (unchanged when {@code offset} is not above it).
     *
     * @throws OffsetOutOfRangeException when {@code offset} is above the log end offset
     */
    public long deleteRecordsBefore(long offset) throws IOException {
        appendLock.lock();
        try {
            ensureWritable();
            if (offset > logEndOffset) {
                throw new OffsetOutOfRangeException("cannot delete records before " + offset + ": the log end offset"
                        + " of " + dir + " is " + logEndOffset);
            }
            if (offset > logStartOffset) {
                advanceLogStartOffset(offset);
            }
            return logStartOffset;
        } finally {
            appendLock.unlock();
        }
    }

    /** Persists the new start offset, then trims the epoch cache and deletes the segments below. Holds appendLock. */
    private void advanceLogStartOffset(long newStart) throws IOException {
        CheckpointFile.writeOffset(dir.resolve(LogRecovery.LOG_START_OFFSET_FILE), newStart);
        logStartOffset = newStart;
        if (epochs.truncateFromStart(newStart)) {
            epochs.persist();
        }
        for (LogSegment segment : segments.values()) {
            Long next = segments.higherKey(segment.baseOffset());
            if (segment == active || next == null || next > newStart) {
                break;
            }
            removeSegment(segment);
        }
    }

    /** Unlinks a segment from the log; its files go once in-flight reads are done. Holds appendLock. */
    private void removeSegment(LogSegment segment) throws IOException {
        segments.remove(segment.baseOffset());
        groupCommit.onRemove(segment);
        segment.markDeleted();
        flusher.deleteLater(segment);
    }

    /**
     * Removes every batch that contains an offset at or above {@code offset} (replication divergence, KIP-101); the
     * log end offset becomes the end of the last remaining batch. Truncating below the log start offset empties the
     * log and restarts it at {@code offset}. The truncation is durable when this returns.
     */
    public void truncateTo(long offset) throws IOException {
        if (offset >= logEndOffset) {
            return;
        }
        int reservation = reserveTruncation();
        ReentrantLock flushLock = groupCommit.flushLock();
        flushLock.lock();
        appendLock.lock();
        try {
            ensureWritable();
            if (offset >= logEndOffset) {
                return;
            }
            int reserved = reservation;
            reservation = -1; // consumed by the entry, even when writing it fails
            journalTruncation(Journal.TRUNCATE, offset, reserved);
            truncations++;
            if (offset < logStartOffset) {
                restartAt(offset);
            } else {
                LogSegment holder = segments.floorEntry(offset).getValue();
                for (LogSegment later : List.copyOf(segments.tailMap(holder.baseOffset(), false).values())) {
                    removeSegment(later);
                }
                groupCommit.onRemove(holder);
                logEndOffset = holder.truncateTo(offset);
                holder.configurePreallocation(config);
                active = holder;
            }
            CheckpointFile.forceDirectory(dir);
            groupCommit.onTruncate(logEndOffset);
            if (epochs.truncateFromEnd(logEndOffset)) {
                epochs.persist();
            }
        } finally {
            appendLock.unlock();
            flushLock.unlock();
            unreserveJournal(reservation);
        }
    }

    /**
     * Empties the log and restarts it at {@code offset}, which becomes the log start and log end offset (a replica
     * whose leader's log starts beyond everything local). Durable when this returns.
     */
    public void truncateFullyAndStartAt(long offset) throws IOException {
        int reservation = reserveTruncation();
        ReentrantLock flushLock = groupCommit.flushLock();
        flushLock.lock();
        appendLock.lock();
        try {
            ensureWritable();
            int reserved = reservation;
            reservation = -1; // consumed by the entry, even when writing it fails
            journalTruncation(Journal.RESTART, offset, reserved);
            truncations++;
            restartAt(offset);
            CheckpointFile.forceDirectory(dir);
            groupCommit.onTruncate(logEndOffset);
            durable.advanceTo(logEndOffset); // an empty log is durable once its start offset and directory are
            if (epochs.truncateFromEnd(logEndOffset) | epochs.truncateFromStart(logEndOffset)) {
                epochs.persist();
            }
        } finally {
            appendLock.unlock();
            flushLock.unlock();
            unreserveJournal(reservation);
        }
    }

    /** Replaces all segments by an empty one at {@code offset}, which becomes the log start offset. */
    private void restartAt(long offset) throws IOException {
        for (LogSegment segment : List.copyOf(segments.values())) {
            removeSegment(segment);
        }
        LogSegment fresh = LogSegment.create(dir, offset, config);
        segments.put(offset, fresh);
        active = fresh;
        logEndOffset = offset;
        CheckpointFile.writeOffset(dir.resolve(LogRecovery.LOG_START_OFFSET_FILE), offset);
        logStartOffset = offset;
    }

    /** Latest leader epoch recorded in the log, or -1. */
    public int latestEpoch() {
        return epochs.latestEpoch();
    }

    /**
     * End offset of {@code epoch} (Kafka's {@code LeaderEpochFileCache.endOffsetFor}): for the latest epoch the log
     * end offset; otherwise the start offset of the smallest epoch above it, paired with the largest known epoch
     * {@code <= epoch} (or {@code epoch} itself when older epochs were removed). Empty (Kafka's UNDEFINED_EPOCH /
     * UNDEFINED_EPOCH_OFFSET) when {@code epoch} is -1, above every known epoch, or no epoch is known.
     */
    public Optional<EpochEndOffset> endOffsetForEpoch(int epoch) {
        return epochs.endOffsetFor(epoch, logEndOffset);
    }

    /** Visits the header of every batch from {@code fromOffset} to the end, in order (producer-state rebuild). */
    public void forEachBatch(long fromOffset, Consumer<BatchHeader> visitor) throws IOException {
        long end = logEndOffset;
        long from = Math.max(fromOffset, logStartOffset);
        Long first = segments.floorKey(from);
        var tail = first == null ? segments : segments.tailMap(first, true);
        for (LogSegment segment : tail.values()) {
            segment.forEachBatch(from, end, segment.size(), visitor);
        }
    }

    /** Rolls by {@code segment.ms} and deletes segments beyond {@code retention.ms}/{@code retention.bytes}. */
    public void enforceRetention(long nowMs) throws IOException {
        LogConfig current = config;
        boolean rolled = false;
        appendLock.lock();
        try {
            ensureWritable();
            if (RetentionPolicy.shouldRollActive(active, current, nowMs)) {
                roll();
                rolled = true;
            }
            long newStart = RetentionPolicy.logStartAfterRetention(segments.values(), current, nowMs,
                    logStartOffset);
            if (newStart > logStartOffset) {
                advanceLogStartOffset(newStart);
            }
        } finally {
            appendLock.unlock();
        }
        if (rolled) {
            flusher.requestFlush(this);
        }
    }

    /** Total bytes of all segment files. */
    public long sizeInBytes() {
        long total = 0;
        for (LogSegment segment : segments.values()) {
            total += segment.size();
        }
        return total;
    }

    public Path dir() {
        return dir;
    }

    /** Closes the log and deletes its directory. */
    public void delete() throws IOException {
        close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * Truncates the active segment's preallocated zeros, forces everything, records the log end offset as the
     * recovery point (so the next open only walks the active segment's headers) and closes the files.
     */
    @Override
    public void close() throws IOException {
        closing = true;
        ReentrantLock flushLock = groupCommit.flushLock();
        cleanerLock.lock();
        flushLock.lock();
        appendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            flusher.unregister(this);
            try {
                // After a failed force a later one may succeed without the lost writes (the kernel dropped them): a
                // failed log is closed without claiming anything more durable; recovery checks its tail at start.
                if (!durable.hasFailed()) {
                    active.trimPreallocation();
                    groupCommit.flushForClose(active, logEndOffset);
                }
            } finally {
                for (LogSegment segment : segments.values()) {
                    segment.close();
                }
            }
        } finally {
            appendLock.unlock();
            flushLock.unlock();
            cleanerLock.unlock();
        }
    }

    /** What a compaction pass may clean, captured under the append lock. */
    record CleanableSegments(List<LogSegment> sealed, long logStartOffset, long logEndOffset, long durableEndOffset,
            long truncations) {}

    /** The sealed segments (every segment but the active one) and the offsets bounding them. */
    CleanableSegments cleanableSegments() {
        appendLock.lock();
        try {
            List<LogSegment> sealed = List.copyOf(segments.headMap(active.baseOffset(), false).values());
            return new CleanableSegments(sealed, logStartOffset, logEndOffset, durable.value(), truncations);
        } finally {
            appendLock.unlock();
        }
    }

    ReentrantLock cleanerLock() {
        return cleanerLock;
    }

    /** True once {@link #close} started: a compaction pass stops at the next batch. */
    boolean isClosing() {
        return closing;
    }

    long latestDeleteHorizonMs() {
        return latestDeleteHorizonMs;
    }

    void setLatestDeleteHorizonMs(long horizon) {
        latestDeleteHorizonMs = horizon;
    }

    /**
     * Swaps the forced compaction output {@code cleaned} (files {@code *.cleaned}, base offset = the first old
     * segment's) in for {@code old}, crash-safely: rename to {@code *.swap} and force the directory (from here on
     * recovery completes the swap), unlink the old segments (files renamed to {@code *.deleted}, removed after the
     * file delete delay so in-flight reads finish), rename the swap files to the live names, force the directory.
     * Returns false, changing nothing, when the log changed since the pass was planned (segments deleted by retention
     * or DeleteRecords, a truncation, a close); the caller then deletes {@code cleaned}.
     */
    boolean replaceSegments(List<LogSegment> old, LogSegment cleaned, long plannedTruncations) throws IOException {
        appendLock.lock();
        try {
            if (closed || closing || truncations != plannedTruncations) {
                return false;
            }
            for (LogSegment segment : old) {
                if (segments.get(segment.baseOffset()) != segment || segment == active) {
                    return false;
                }
            }
            ensureWritable();
            cleaned.renamePending(LogSegment.SWAP_SUFFIX);
            CheckpointFile.forceDirectory(dir);
            segments.put(cleaned.baseOffset(), cleaned);
            for (LogSegment segment : old) {
                if (segment.baseOffset() != cleaned.baseOffset()) {
                    segments.remove(segment.baseOffset());
                }
                groupCommit.onRemove(segment);
                segment.markDeleted();
                flusher.deleteLater(segment);
            }
            cleaned.renamePending("");
            CheckpointFile.forceDirectory(dir);
            return true;
        } finally {
            appendLock.unlock();
        }
    }

    private void ensureWritable() throws IOException {
        if (closed) {
            throw new IOException("partition log " + dir + " is closed");
        }
        durable.throwIfFailed();
    }

    private static void requireBatch(ByteBuffer batch) {
        if (batch.remaining() < BatchHeader.SIZE) {
            throw new IllegalArgumentException("a record batch needs at least " + BatchHeader.SIZE + " bytes, got "
                    + batch.remaining());
        }
        BatchHeader header = BatchHeader.read(batch);
        if (header.sizeInBytes() != batch.remaining() || header.magic() != 2 || header.lastOffsetDelta() < 0) {
            throw new IllegalArgumentException("not exactly one magic-v2 batch: length " + header.batchLength()
                    + ", magic " + header.magic() + ", " + batch.remaining() + " bytes");
        }
    }

    @Override
    public String toString() {
        return "PartitionLog(" + dir + ", offsets=[" + logStartOffset + ", " + logEndOffset + "))";
    }
}
