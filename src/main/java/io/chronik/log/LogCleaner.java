package io.chronik.log;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log compaction for {@code cleanup.policy=compact} (alone or with {@code delete}): one dedicated platform thread
 * that, every {@code interval}, compacts each open log of the {@link LogFlusher} whose dirty ratio reached its
 * {@code min.cleanable.dirty.ratio}, or whose kept tombstones passed their delete horizon, the dirtiest first. The
 * algorithm is Kafka's ({@link CompactionPass}); the records are read and rewritten through a
 * {@link RecordCompactor}.
 *
 * <p>On disk: compacted segments are written as {@code <base>.log.cleaned} (and {@code .index.cleaned},
 * {@code .timeindex.cleaned}), forced, renamed to {@code *.swap} (the commit point), the replaced segments are
 * renamed to {@code *.deleted}, and the swap files take the live names; {@link LogRecovery} deletes
 * {@code .cleaned} files and completes {@code .swap} files after a crash. The {@code cleaner-offset-checkpoint} of
 * each log holds the end of its clean section. The active segment is never compacted.
 *
 * <p>Thread-safety: safe to use from any thread. The cleaner thread is never interrupted (an interrupt during file
 * IO would close a segment's channel); {@link #close} asks a running pass to stop at its next batch and waits.
 */
public final class LogCleaner implements AutoCloseable {

    /** Slots of the offset map: 2^20 keys (24 MiB), cleaned per pass at most. */
    static final int DEFAULT_OFFSET_MAP_SLOTS = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    private final LogFlusher flusher;
    private final RecordCompactor compactor;
    private final OffsetMap map;
    private final long intervalNanos;
    private final ReentrantLock sleepLock = new ReentrantLock();
    private final java.util.concurrent.locks.Condition wakeUp = sleepLock.newCondition();
    private final Thread thread;
    private volatile boolean stopping;

    /**
     * Starts the cleaner thread.
     *
     * @param flusher   the flusher whose open logs are compacted (only those with {@code compact} in their policy)
     * @param compactor reads and rewrites record batches
     * @param interval  pause between two rounds over the logs (Kafka's {@code log.cleaner.backoff.ms})
     */
    public LogCleaner(LogFlusher flusher, RecordCompactor compactor, Duration interval) {
        this(flusher, compactor, interval, DEFAULT_OFFSET_MAP_SLOTS, true);
    }

    LogCleaner(LogFlusher flusher, RecordCompactor compactor, Duration interval, int offsetMapSlots, boolean start) {
        this.flusher = flusher;
        this.compactor = compactor;
        this.map = new OffsetMap(offsetMapSlots);
        this.intervalNanos = interval.toNanos();
        this.thread = start ? Thread.ofPlatform().name("log-cleaner").daemon().start(this::run)
                : null;
    }

    private void run() {
        while (!stopping) {
            cleanRound(System.currentTimeMillis());
            sleepLock.lock();
            try {
                long left = intervalNanos;
                while (!stopping && left > 0) {
                    left = wakeUp.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                sleepLock.unlock();
            }
        }
    }

    /** Compacts every compacted log that needs it at {@code nowMs}, the dirtiest first. */
    void cleanRound(long nowMs) {
        record Candidate(PartitionLog log, double ratio) {}
        List<Candidate> candidates = new ArrayList<>();
        for (PartitionLog log : flusher.logs()) {
            if (!log.config().compact() || log.isClosing()) {
                continue;
            }
            try {
                CompactionPass.Plan plan = CompactionPass.plan(log, nowMs);
                long horizon = log.latestDeleteHorizonMs();
                boolean tombstonesDue = horizon >= 0 && horizon <= nowMs;
                boolean dirtyEnough = plan.dirtyBytes() > 0
                        && plan.dirtyRatio() >= log.config().minCleanableDirtyRatio();
                if (dirtyEnough || tombstonesDue) {
                    candidates.add(new Candidate(log, tombstonesDue ? 1.0 + plan.dirtyRatio() : plan.dirtyRatio()));
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot plan the compaction of {}: {}", log.dir(), e.toString());
            }
        }
        candidates.sort(Comparator.comparingDouble(Candidate::ratio).reversed());
        for (Candidate candidate : candidates) {
            if (stopping) {
                return;
            }
            clean(candidate.log(), nowMs);
        }
    }

    /** Runs one compaction pass over {@code log} now, whatever its dirty ratio; false when it did not complete. */
    boolean clean(PartitionLog log, long nowMs) {
        ReentrantLock lock = log.cleanerLock();
        lock.lock();
        try {
            if (log.isClosing()) {
                return false;
            }
            CompactionPass.Plan plan = CompactionPass.plan(log, nowMs);
            long started = System.nanoTime();
            CompactionPass.Result result = new CompactionPass(log, compactor, map, nowMs, () -> stopping).run(plan);
            if (result.swapped()) {
                LOG.info("Compacted {}: {} segment(s), {} bytes -> {} segment(s), {} bytes, clean up to offset {} "
                        + "(dirty ratio was {}, {} ms)", log.dir(), result.segmentsBefore(), result.bytesBefore(),
                        result.segmentsAfter(), result.bytesAfter(), result.endOffset(),
                        String.format("%.2f", plan.dirtyRatio()), (System.nanoTime() - started) / 1_000_000);
            }
            return result.swapped();
        } catch (CompactionPass.Aborted e) {
            return false;
        } catch (IOException | RuntimeException e) {
            LOG.error("Compacting {} failed; it will be retried: {}", log.dir(), e.toString());
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the thread after it finished (or abandoned) its current pass. */
    @Override
    public void close() {
        stopping = true;
        if (thread == null) {
            return;
        }
        sleepLock.lock();
        try {
            wakeUp.signalAll();
        } finally {
            sleepLock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
