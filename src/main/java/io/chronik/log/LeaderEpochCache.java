package io.chronik.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The start offset of every leader epoch present in the log (KIP-101), persisted in {@code leader-epoch-checkpoint}
 * with Kafka's layout, written atomically by {@link CheckpointFile}:
 *
 * <pre>
 * 0                      format version
 * &lt;n&gt;                    number of entries
 * &lt;epoch&gt; &lt;startOffset&gt;  n lines, epochs and start offsets strictly increasing
 * </pre>
 *
 * <p>Semantics follow Kafka's {@code LeaderEpochFileCache}: an epoch is assigned when a batch with a higher epoch
 * than the latest is appended; {@link #endOffsetFor} answers OffsetForLeaderEpoch.
 *
 * <p>Crash behaviour: the checkpoint may name epochs whose batches were lost in the crash; recovery re-assigns the
 * epochs of the batches it scans and then {@link #truncateFromEnd truncates} at the recovered log end offset.
 *
 * <p>Thread-safety: safe for concurrent use; mutations and their checkpoint writes are serialized by a write lock
 * (only taken on epoch changes, truncation and retention, never per append).
 */
final class LeaderEpochCache {

    static final String FILE_NAME = "leader-epoch-checkpoint";

    /** A leader epoch and the first offset written in it. */
    record EpochEntry(int epoch, long startOffset) {}

    private final Path file;
    private final TreeMap<Integer, Long> epochs = new TreeMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    private LeaderEpochCache(Path file) {
        this.file = file;
    }

    static LeaderEpochCache load(Path dir) throws IOException {
        var cache = new LeaderEpochCache(dir.resolve(FILE_NAME));
        Optional<List<String>> lines = CheckpointFile.read(cache.file);
        if (lines.isPresent()) {
            try {
                int count = Integer.parseInt(lines.get().getFirst().trim());
                for (String line : lines.get().subList(1, 1 + count)) {
                    String[] parts = line.trim().split("\\s+");
                    cache.epochs.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                }
            } catch (RuntimeException e) {
                throw new IOException("malformed leader epoch checkpoint " + cache.file, e);
            }
        }
        return cache;
    }

    /** Records that {@code epoch} starts at {@code startOffset} if it is newer than the latest; true if it was. */
    boolean assign(int epoch, long startOffset) {
        lock.writeLock().lock();
        try {
            if (epoch < 0 || !epochs.isEmpty() && (epoch <= epochs.lastKey() || startOffset < epochs.lastEntry()
                    .getValue())) {
                return false;
            }
            epochs.put(epoch, startOffset);
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    int latestEpoch() {
        lock.readLock().lock();
        try {
            return epochs.isEmpty() ? -1 : epochs.lastKey();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The epoch in which {@code offset} was written, or -1 when unknown. */
    int epochForOffset(long offset) {
        lock.readLock().lock();
        try {
            int found = -1;
            for (Map.Entry<Integer, Long> entry : epochs.entrySet()) {
                if (entry.getValue() > offset) {
                    break;
                }
                found = entry.getKey();
            }
            return found;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Kafka's {@code endOffsetFor}: for the latest epoch the log end offset; otherwise the start offset of the
     * smallest epoch above {@code epoch}, reported with the largest known epoch {@code <= epoch} (or {@code epoch}
     * itself when it is below every known epoch). Empty when {@code epoch} is undefined (-1), above every known
     * epoch, or the cache is empty.
     */
    Optional<PartitionLog.EpochEndOffset> endOffsetFor(int epoch, long logEndOffset) {
        lock.readLock().lock();
        try {
            if (epoch < 0 || epochs.isEmpty()) {
                return Optional.empty();
            }
            if (epoch == epochs.lastKey()) {
                return Optional.of(new PartitionLog.EpochEndOffset(epoch, logEndOffset));
            }
            Map.Entry<Integer, Long> higher = epochs.higherEntry(epoch);
            if (higher == null) {
                return Optional.empty();
            }
            Integer floor = epochs.floorKey(epoch);
            return Optional.of(new PartitionLog.EpochEndOffset(floor == null ? epoch : floor, higher.getValue()));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Drops the epochs starting at or after {@code endOffset} (log truncation). True when something changed. */
    boolean truncateFromEnd(long endOffset) {
        lock.writeLock().lock();
        try {
            return epochs.values().removeIf(start -> start >= endOffset);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Drops the epochs that ended before {@code startOffset} and moves the start of the epoch holding it up to
     * {@code startOffset} (log start offset advanced). True when something changed.
     */
    boolean truncateFromStart(long startOffset) {
        lock.writeLock().lock();
        try {
            Map.Entry<Integer, Long> holder = null;
            for (Map.Entry<Integer, Long> entry : epochs.entrySet()) {
                if (entry.getValue() <= startOffset) {
                    holder = entry;
                }
            }
            if (holder == null || holder.getValue() == startOffset && holder.getKey().equals(epochs.firstKey())) {
                return false;
            }
            int holderEpoch = holder.getKey();
            epochs.headMap(holderEpoch, true).clear();
            epochs.put(holderEpoch, startOffset);
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    List<EpochEntry> entries() {
        lock.readLock().lock();
        try {
            var entries = new ArrayList<EpochEntry>();
            epochs.forEach((epoch, start) -> entries.add(new EpochEntry(epoch, start)));
            return entries;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Writes the current entries to the checkpoint file (atomically, forced). */
    void persist() throws IOException {
        lock.writeLock().lock();
        try {
            var lines = new ArrayList<String>();
            lines.add(Integer.toString(epochs.size()));
            epochs.forEach((epoch, start) -> lines.add(epoch + " " + start));
            CheckpointFile.write(file, lines);
        } finally {
            lock.writeLock().unlock();
        }
    }
}
