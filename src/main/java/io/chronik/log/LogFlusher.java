package io.chronik.log;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared group-commit flusher: a small number of dedicated platform threads that {@code force()} dirty
 * partition logs, so many waiting producers share one flush.
 *
 * <p>A log asks for a flush after an append (always under the default {@code flush.messages=1}, otherwise once
 * {@code flush.messages} offsets are unflushed or a segment rolled) and when a thread starts waiting in
 * {@link PartitionLog#awaitDurable}. A log is queued at most once; a flusher thread takes it, forces everything
 * appended so far and advances its durable offset, waking all waiters at once. Appends that arrive during a force
 * queue the log again and share the next force: the batching window is the duration of a force.
 *
 * <p>A scheduler thread checks every {@code flushCheckInterval} which relaxed logs have unflushed data older than
 * their {@code flush.ms}, and runs the delayed deletion of removed segments ({@code fileDeleteDelay}, Kafka's
 * {@code file.delete.delay.ms}), so in-flight {@link LogSlice}s of a deleted segment stay readable meanwhile.
 *
 * <p>Thread-safety: safe for concurrent use. Flusher threads are never interrupted (an interrupt during file IO
 * would close the segment's channel); {@link #close} lets them finish their current force.
 */
public final class LogFlusher implements AutoCloseable {

    public static final Duration DEFAULT_FILE_DELETE_DELAY = Duration.ofSeconds(60);
    public static final Duration DEFAULT_FLUSH_CHECK_INTERVAL = Duration.ofMillis(100);
    private static final Logger LOG = LoggerFactory.getLogger(LogFlusher.class);
    private static final long POLL_MILLIS = 100;
    private static final int CHECKPOINT_FORCE_THREADS = 4;

    private final BlockingQueue<PartitionLog> dirty = new LinkedBlockingQueue<>();
    private final Set<PartitionLog> logs = ConcurrentHashMap.newKeySet();
    private final Set<LogSegment> pendingDeletes = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final Duration fileDeleteDelay;
    /** The shared journal of the logs in {@link #journalLogsDir}, or null. */
    private final Journal journal;
    private final Path journalLogsDir;
    /** Forces the journaled logs' segments at a checkpoint, several at once (null without a journal). */
    private final ExecutorService checkpointForces;
    private volatile boolean closed;

    public LogFlusher(int threads) {
        this(threads, DEFAULT_FILE_DELETE_DELAY, DEFAULT_FLUSH_CHECK_INTERVAL);
    }

    /**
     * A flusher whose logs directly under {@code logsDir} make their appends durable through {@code journal}; it owns
     * the journal from now on (checkpoints, close).
     */
    public LogFlusher(int threads, Journal journal, Path logsDir) {
        this(threads, DEFAULT_FILE_DELETE_DELAY, DEFAULT_FLUSH_CHECK_INTERVAL, journal, logsDir);
    }

    /**
     * @param threads            number of flusher threads (1-4 is plenty: a force is disk-bound)
     * @param fileDeleteDelay    how long a deleted segment stays readable before its files are closed and removed
     * @param flushCheckInterval how often relaxed logs are checked against their {@code flush.ms}
     */
    public LogFlusher(int threads, Duration fileDeleteDelay, Duration flushCheckInterval) {
        this(threads, fileDeleteDelay, flushCheckInterval, null, null);
    }

    LogFlusher(int threads, Duration fileDeleteDelay, Duration flushCheckInterval, Journal journal, Path logsDir) {
        if (threads < 1) {
            throw new IllegalArgumentException("flusher threads must be >= 1, was " + threads);
        }
        this.fileDeleteDelay = fileDeleteDelay;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("log-scheduler").daemon().factory());
        scheduler.scheduleWithFixedDelay(this::requestDueFlushes, flushCheckInterval.toMillis(),
                flushCheckInterval.toMillis(), TimeUnit.MILLISECONDS);
        for (int i = 0; i < threads; i++) {
            this.threads.add(Thread.ofPlatform().name("log-flusher-" + i).daemon().start(this::runFlusher));
        }
        this.journal = journal;
        this.journalLogsDir = logsDir == null ? null : logsDir.toAbsolutePath().normalize();
        this.checkpointForces = journal == null ? null : Executors.newFixedThreadPool(CHECKPOINT_FORCE_THREADS,
                Thread.ofPlatform().name("journal-checkpoint-force-", 0).daemon().factory());
        if (journal != null) {
            journal.start(this::forceJournaledLogs);
        }
    }

    /** The journal a log in {@code dir} appends to: this flusher's, when {@code dir} is directly in its directory. */
    Journal journalFor(Path dir) {
        if (journal == null || !dir.toAbsolutePath().normalize().getParent().equals(journalLogsDir)) {
            return null;
        }
        return journal;
    }

    /**
     * The journal checkpoint's work: forces every open log that took journal entries since the last one, up to
     * {@link #CHECKPOINT_FORCE_THREADS} at a time. Concurrent forces share the file system's journal commit and the
     * device's cache flush, so the journal's own forces, which wait behind them in the device, wait for one flush
     * instead of one per log (measured: three 20 ms stalls in a row per checkpoint before).
     */
    private void forceJournaledLogs() throws IOException {
        List<Future<?>> forces = new ArrayList<>();
        for (PartitionLog log : logs) {
            forces.add(checkpointForces.submit(() -> {
                log.forceForJournalCheckpoint();
                return null;
            }));
        }
        IOException failure = null;
        for (Future<?> force : forces) {
            try {
                force.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted during a journal checkpoint");
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    void register(PartitionLog log) {
        logs.add(log);
    }

    void unregister(PartitionLog log) {
        logs.remove(log);
    }

    /** The open logs (a live view), for the {@link LogCleaner}. */
    Iterable<PartitionLog> logs() {
        return logs;
    }

    /** Queues {@code log} for a force unless it is already queued. */
    void requestFlush(PartitionLog log) {
        if (log.markFlushQueued()) {
            dirty.add(log);
        }
    }

    /** Closes and deletes the (already renamed) files of {@code segment} after the file delete delay. */
    void deleteLater(LogSegment segment) {
        pendingDeletes.add(segment);
        if (closed) {
            deletePending(segment);
            return;
        }
        scheduler.schedule(() -> deletePending(segment), fileDeleteDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void deletePending(LogSegment segment) {
        if (pendingDeletes.remove(segment)) {
            try {
                segment.closeAndDelete();
            } catch (IOException e) {
                LOG.warn("Could not delete segment files of {}: {}", segment, e.toString());
            }
        }
    }

    private void requestDueFlushes() {
        long now = System.nanoTime();
        for (PartitionLog log : logs) {
            if (log.isFlushDue(now)) {
                requestFlush(log);
            }
        }
    }

    private void runFlusher() {
        while (!closed) {
            PartitionLog log;
            try {
                log = dirty.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (log == null) {
                continue;
            }
            log.clearFlushQueued();
            try {
                log.flush();
            } catch (IOException | RuntimeException e) {
                LOG.error("Flushing partition log {} failed; its appends can no longer become durable", log.dir(), e);
            }
        }
    }

    /** Stops the threads after their current force and deletes the segments waiting for deletion now. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (LogSegment segment : List.copyOf(pendingDeletes)) {
            deletePending(segment);
        }
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                LOG.warn("Closing the journal failed; the next start replays it: {}", e.toString());
            }
            checkpointForces.shutdown();
        }
    }
}
