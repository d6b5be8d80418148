package io.chronik.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flush bookkeeping of one partition log: what was appended but not yet forced, the force that makes it
 * durable, and the {@code recovery-point} checkpoint.
 *
 * <p>A force covers, in order: every rolled segment not forced yet (data and both indexes, which sealing wrote;
 * afterwards the recovery point moves past them), the active segment's data ({@code force(false)}; its indexes are
 * heap-only until it is sealed and recovery rebuilds them, so they are never forced), and the directory when a
 * segment file was created (so the new file's name is durable). Then the durable offset advances to the log end
 * offset captured before the force, waking every waiter.
 *
 * <p>Thread-safety: methods documented "under the append lock" must be called with the owning log's append lock
 * held; {@link #flush} takes the flush lock, then briefly the append lock to capture the work. The flush lock
 * serializes forces with truncation and close, which take it before the append lock.
 */
final class GroupCommit {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    /** The log's state a force must cover, captured under the append lock. */
    record Tail(long logEndOffset, LogSegment active, boolean closed) {}

    /** The shared journal this log's appends go to, or null (then every force forces the segment). */
    private final Journal journal;
    /** Under the append lock: logical end of this log's latest journal entry, 0 when none. */
    private long journalEnd;
    /** Under the append lock: appends made durable by forcing the segment (not journaled), and those forced. */
    private long segmentOnlyAppends;
    private long segmentOnlyForced;
    /** Set before each journal entry of this log; cleared by the journal checkpoint, which then forces the log. */
    private final AtomicBoolean journaledSinceCheckpoint = new AtomicBoolean();

    private final Path dir;
    private final ReentrantLock appendLock;
    private final ReentrantLock flushLock = new ReentrantLock();
    private final DurableOffset durable;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile DurabilityListener listener;
    /** Rolled segments whose data and indexes are not forced yet; under the append lock. */
    private final List<LogSegment> unflushedSealed = new ArrayList<>();
    /** A segment file was created since the directory was last forced; under the append lock. */
    private boolean directorySyncNeeded;
    /** nanoTime of the oldest append not covered by a force, or -1; written under the append lock. */
    private volatile long firstUnflushedAppendNanos = -1;
    /** Under the flush lock. */
    private long recoveryPoint;

    GroupCommit(Path dir, ReentrantLock appendLock, long durableEndOffset, long recoveryPoint, Journal journal) {
        this.dir = dir;
        this.journal = journal;
        this.appendLock = appendLock;
        this.durable = new DurableOffset(durableEndOffset);
        this.recoveryPoint = recoveryPoint;
    }

    DurableOffset durable() {
        return durable;
    }

    /** Replaces the listener told after each force ({@link #flush}), on the forcing thread; null for none. */
    void setListener(DurabilityListener listener) {
        this.listener = listener;
    }

    ReentrantLock flushLock() {
        return flushLock;
    }

    /** Under the append lock: an append was written. */
    void onAppend() {
        if (firstUnflushedAppendNanos < 0) {
            firstUnflushedAppendNanos = System.nanoTime();
        }
    }

    /**
     * Under the append lock: whether the next append may be made durable by the journal. Not while appends made
     * durable by a segment force (a relaxed policy, a journal failure) are not forced yet: a journal entry must never
     * be replayed after a gap.
     */
    boolean mayJournal() {
        return journal != null && segmentOnlyAppends == segmentOnlyForced;
    }

    /** Under the append lock: the next journal entry is this log's (call before writing it). */
    void beforeJournalEntry() {
        journaledSinceCheckpoint.set(true);
    }

    /** Under the append lock: this log's journal entry ends at logical position {@code end}. */
    void onJournaled(long end) {
        journalEnd = end;
    }

    /** Under the append lock: an append that only a force of its segment makes durable. */
    void onSegmentOnlyAppend() {
        segmentOnlyAppends++;
    }

    /** For the journal checkpoint: whether this log took a journal entry since the last call. */
    boolean takeJournaledSinceCheckpoint() {
        return journaledSinceCheckpoint.getAndSet(false);
    }

    /** Under the append lock: {@code sealed} was rolled and a new segment file created. */
    void onRoll(LogSegment sealed) {
        unflushedSealed.add(sealed);
        directorySyncNeeded = true;
    }

    /** Under the append lock: {@code segment} left the log (deleted, or made active again by truncation). */
    void onRemove(LogSegment segment) {
        unflushedSealed.remove(segment);
    }

    /** Under the append lock: whether to queue a flush after an append (always by default, else by policy). */
    boolean isFlushNeeded(LogConfig config, long logEndOffset) {
        return config.syncEveryAppend() || !unflushedSealed.isEmpty()
                || logEndOffset - durable.value() >= config.flushMessages();
    }

    /** True when a relaxed log holds unflushed appends older than its {@code flush.ms}. */
    boolean isFlushDue(LogConfig config, long nowNanos) {
        long first = firstUnflushedAppendNanos;
        return !config.syncEveryAppend() && first >= 0
                && nowNanos - first >= TimeUnit.MILLISECONDS.toNanos(config.flushMs());
    }

    boolean markQueued() {
        return queued.compareAndSet(false, true);
    }

    void clearQueued() {
        queued.set(false);
    }

    /**
     * Forces what {@code tail} (called under the append lock) reports and advances the durable offset. Journaled
     * appends are made durable by forcing the journal; the active segment is forced only when it holds appends that
     * were not journaled (or there is no journal). Then, after the flush lock is released, tells the listener: the
     * durable offset when it advanced, or the failure.
     */
    void flush(Supplier<Tail> tail) throws IOException {
        boolean advanced;
        try {
            advanced = forceAndAdvance(tail);
        } catch (IOException e) {
            tell(l -> l.flushFailed(e));
            throw e;
        }
        if (advanced) {
            tell(l -> l.durableAdvanced(durable.value()));
        }
    }

    /** Tells the listener, if any; its failure is logged, never mistaken for a failed force. */
    private void tell(Consumer<DurabilityListener> call) {
        DurabilityListener l = listener;
        if (l == null) {
            return;
        }
        try {
            call.accept(l);
        } catch (RuntimeException e) {
            LOG.error("The durability listener of {} failed", dir, e);
        }
    }

    /** {@link #flush} under the flush lock: true when the durable offset advanced. */
    private boolean forceAndAdvance(Supplier<Tail> tail) throws IOException {
        flushLock.lock();
        try {
            durable.throwIfFailed();
            Capture capture = capture(tail, true);
            Tail captured = capture.tail();
            List<LogSegment> sealed = capture.sealed();
            boolean syncDirectory = capture.syncDirectory();
            long segmentOnly = capture.segmentOnlyAppends();
            boolean activeDirty = journal == null || segmentOnly != segmentOnlyForced;
            if (captured.closed()
                    || captured.logEndOffset() <= durable.value() && sealed.isEmpty() && !syncDirectory) {
                return false;
            }
            for (LogSegment segment : sealed) {
                segment.flushAll();
            }
            if (activeDirty) {
                captured.active().flushLog();
                appendLock.lock();
                try {
                    segmentOnlyForced = segmentOnly;
                } finally {
                    appendLock.unlock();
                }
            }
            if (journal != null) {
                try {
                    journal.forceUpTo(capture.journalEnd());
                } catch (IOException e) {
                    if (!activeDirty) {
                        captured.active().flushLog(); // it holds the journaled batches too: durable without it
                    }
                }
            }
            if (syncDirectory) {
                CheckpointFile.forceDirectory(dir);
            }
            if (!sealed.isEmpty()) {
                writeRecoveryPoint(captured.logEndOffset());
                appendLock.lock();
                try {
                    unflushedSealed.removeAll(sealed);
                } finally {
                    appendLock.unlock();
                }
            }
            return durable.advanceTo(captured.logEndOffset());
        } catch (IOException e) {
            durable.fail(e);
            throw e;
        } finally {
            flushLock.unlock();
        }
    }

    /**
     * For the journal checkpoint: forces the log's segments (each rolled segment not forced yet, the active one, the
     * directory when a segment file was created) <b>without</b> the flush lock, so that the flushes making new appends
     * durable through the journal never wait behind this large force. Changes no bookkeeping: a later flush forces
     * the same files again, which is cheap once they are written back.
     */
    void forceForCheckpoint(Supplier<Tail> tail) throws IOException {
        Capture capture = capture(tail, false);
        if (capture.tail().closed()) {
            return; // close forced everything
        }
        for (LogSegment segment : capture.sealed()) {
            segment.flushAll();
        }
        capture.tail().active().flushLog();
        if (capture.syncDirectory()) {
            CheckpointFile.forceDirectory(dir);
        }
    }

    /** What a force covers, captured under the append lock. */
    private record Capture(Tail tail, List<LogSegment> sealed, boolean syncDirectory, long journalEnd,
            long segmentOnlyAppends) {}

    /** Captures what a force covers; {@code consume} (a flush) also clears the directory sync and flush.ms age. */
    private Capture capture(Supplier<Tail> tail, boolean consume) {
        appendLock.lock();
        try {
            var capture = new Capture(tail.get(), List.copyOf(unflushedSealed), directorySyncNeeded, journalEnd,
                    segmentOnlyAppends);
            if (consume) {
                directorySyncNeeded = false;
                firstUnflushedAppendNanos = -1;
            }
            return capture;
        } finally {
            appendLock.unlock();
        }
    }

    /** Under the flush and append locks: the log was truncated to {@code logEndOffset}. */
    void onTruncate(long logEndOffset) throws IOException {
        segmentOnlyForced = segmentOnlyAppends; // truncation forced the segment that is active now
        durable.lowerTo(logEndOffset);
        if (recoveryPoint > logEndOffset) {
            writeRecoveryPoint(logEndOffset);
        }
    }

    /** Under the flush and append locks: forces everything (clean close); the recovery point becomes the end. */
    void flushForClose(LogSegment active, long logEndOffset) throws IOException {
        for (LogSegment segment : unflushedSealed) {
            segment.flushAll();
        }
        active.flushLog();
        segmentOnlyForced = segmentOnlyAppends;
        writeRecoveryPoint(logEndOffset);
        durable.advanceTo(logEndOffset);
    }

    private void writeRecoveryPoint(long offset) throws IOException {
        CheckpointFile.writeOffset(dir.resolve(LogRecovery.RECOVERY_POINT_FILE), offset);
        recoveryPoint = offset;
    }
}
