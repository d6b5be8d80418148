package io.chronik.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-applies the journal's entries after a crash to the partition logs in one logs directory, before the broker opens
 * them: each log named by an entry is opened (its own crash recovery runs first), the entries are applied in journal
 * order (see {@link PartitionLog#replayAppend}, {@link PartitionLog#truncateTo},
 * {@link PartitionLog#truncateFullyAndStartAt}), and every log is closed, which forces it. Entries of a directory that
 * no longer exists, or whose {@code journal-id} differs (deleted and created again), are skipped.
 *
 * <p>Thread-safety: confined to the thread that opens the journal.
 */
public final class JournalReplay implements Journal.ReplayHandler, Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalReplay.class);

    private final Path logsDir;
    private final LogConfig config;
    /** Created for the first log that has entries to replay: most starts have none. */
    private LogFlusher flusher;
    private final Map<String, PartitionLog> logs = new HashMap<>();
    private final Set<String> skipped = new HashSet<>();

    private JournalReplay(Path logsDir, LogConfig config) {
        this.logsDir = logsDir;
        this.config = config;
    }

    /**
     * Opens the journal in {@code journalDir} with {@code capacity} bytes, first replaying what it holds into the logs
     * in {@code logsDir} (opened with {@code config}: segment size and the like only shape the replayed tail).
     */
    public static Journal open(Path journalDir, long capacity, Path logsDir, LogConfig config) throws IOException {
        try (var replay = new JournalReplay(logsDir, config)) {
            return Journal.open(journalDir, capacity, replay);
        }
    }

    /**
     * Replays and removes the journal in {@code journalDir} (the journal was switched off): afterwards every log
     * holds what the journal made durable.
     */
    public static void replayAndRemove(Path journalDir, Path logsDir, LogConfig config) throws IOException {
        if (!Files.exists(journalDir.resolve(Journal.CHECKPOINT_FILE))) {
            return;
        }
        open(journalDir, Journal.MIN_CAPACITY, logsDir, config).close();
        Files.deleteIfExists(journalDir.resolve(Journal.FILE));
        Files.deleteIfExists(journalDir.resolve(Journal.CHECKPOINT_FILE));
        Files.deleteIfExists(journalDir);
    }

    @Override
    public void apply(Journal.Entry entry) throws IOException {
        PartitionLog log = logFor(entry);
        if (log == null) {
            return;
        }
        switch (entry.type()) {
            case Journal.APPEND -> log.replayAppend(entry.payload());
            case Journal.TRUNCATE -> log.truncateTo(entry.offset());
            case Journal.RESTART -> log.truncateFullyAndStartAt(entry.offset());
            default -> throw new IOException("unknown journal entry type " + entry.type() + " (seq " + entry.seq()
                    + ")");
        }
    }

    private PartitionLog logFor(Journal.Entry entry) throws IOException {
        String key = entry.logName() + "#" + entry.logId();
        PartitionLog log = logs.get(key);
        if (log != null || skipped.contains(key)) {
            return log;
        }
        Path dir = logsDir.resolve(entry.logName());
        if (!dir.normalize().getParent().equals(logsDir.normalize()) || !Files.isDirectory(dir)) {
            LOG.info("Journal replay: skipping entries of {}, which no longer exists", dir);
            skipped.add(key);
            return null;
        }
        OptionalLong id = PartitionLog.journalId(dir, false);
        if (id.isEmpty() || id.getAsLong() != entry.logId()) {
            LOG.info("Journal replay: skipping entries of an earlier log in {}", dir);
            skipped.add(key);
            return null;
        }
        if (flusher == null) {
            flusher = new LogFlusher(1);
        }
        log = PartitionLog.open(dir, config, flusher);
        logs.put(key, log);
        return log;
    }

    /** Closes (and so forces) every replayed log. */
    @Override
    public void finish() throws IOException {
        closeLogs();
    }

    @Override
    public void close() throws IOException {
        try {
            closeLogs();
        } finally {
            if (flusher != null) {
                flusher.close();
            }
        }
    }

    private void closeLogs() throws IOException {
        IOException failure = null;
        for (PartitionLog log : logs.values()) {
            try {
                log.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        logs.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
