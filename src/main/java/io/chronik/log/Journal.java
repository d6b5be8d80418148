package io.chronik.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's shared write-ahead journal: one ring file that makes the appends of every partition durable with one
 * {@code force()}, instead of one force per partition log.
 *
 * <p><b>Durability rule.</b> An append under the default {@code flush.messages=1} is written to its partition's
 * segment (page cache only) and then, under the same log lock, as an entry to this journal; it is durable once the
 * journal has been forced past the entry ({@link #forceUpTo}). The segment files are forced later, by the
 * <i>checkpoint</i>: when {@link #CHECKPOINT_BYTES} (at most half the ring) are in use, or {@link #CHECKPOINT_INTERVAL}
 * passed, the checkpointer notes
 * the journal's end, forces every partition log that took a journal entry since the last checkpoint, and records the
 * noted end in {@code journal-checkpoint}; the ring space before it is then free again. A truncation is journaled
 * and forced before the log is cut, so replay never resurrects truncated batches.
 *
 * <p><b>Why.</b> On the reference machine a force costs about 100-200 µs of CPU in the kernel and hypervisor. With
 * one force per partition, a produce request for N partitions paid N; the journal pays one, and after its first lap
 * (the file is emptied at each start) it overwrites allocated blocks, so a force needs no file-system journal commit.
 * The price is that each byte reaches the disk twice (journal, then segment at a checkpoint): see
 * docs/durability.md.
 *
 * <p><b>Layout</b> ({@code <data>/journal/journal.log}, ring of {@code capacity} bytes; docs/storage-format.md). An
 * entry: {@code length u32} (of the bytes after the CRC), {@code crc32c u32} (of those bytes), {@code seq u64}
 * (consecutive, never reused), {@code type u8} (1 append, 2 truncate, 3 restart), {@code logId u64} (the log's
 * {@code journal-id} file), {@code nameLength u16} and the UTF-8 directory name of the log, then the payload: the
 * stamped record batch (append) or the offset (u64, truncate and restart). Positions are logical (monotonic); the
 * file position is the logical one modulo the capacity. An entry that does not fit before the end of the file is
 * written at file position 0 instead (the rest is skipped). {@code journal-checkpoint} holds the logical position,
 * the sequence number expected there and the capacity.
 *
 * <p><b>Recovery</b> ({@link #open}): the entries from the checkpoint on are read in order while each has a valid CRC
 * and the expected sequence number (where one does not, the reader tries file position 0 once, the writer's wrap);
 * each is handed to the replay handler, which re-applies it to its partition log ({@link JournalReplay}). The journal
 * then starts empty.
 *
 * <p>Thread-safety: safe for concurrent use. Appends are serialized by an internal lock; forces by another (callers
 * that find their entry already forced return at once: group commit across partitions).
 */
public final class Journal implements Closeable {

    public static final String DIRECTORY = "journal";
    public static final long MIN_CAPACITY = 16L << 20;
    static final String FILE = "journal.log";
    static final String CHECKPOINT_FILE = "journal-checkpoint";
    /** length, crc, seq, type, logId, nameLength. */
    static final int HEADER_SIZE = 4 + 4 + 8 + 1 + 8 + 2;
    static final byte APPEND = 1;
    static final byte TRUNCATE = 2;
    static final byte RESTART = 3;
    /**
     * A checkpoint starts once this much (or half the capacity, if less) is in use: each checkpoint's segment forces
     * then write back at most about this much at once, which bounds how long a journal force can queue behind them.
     */
    static final long CHECKPOINT_BYTES = 64L << 20;
    /** A checkpoint runs at least this often while entries were added since the last one. */
    static final long CHECKPOINT_INTERVAL = TimeUnit.SECONDS.toNanos(60);
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    /** An entry read back during recovery; {@code payload} is only valid during the handler call. */
    public record Entry(long seq, byte type, long logId, String logName, ByteBuffer payload) {
        /** The offset of a truncate or restart entry. */
        long offset() {
            return payload.getLong(payload.position());
        }
    }

    /** Receives the entries found after the last checkpoint, in order. */
    public interface ReplayHandler {
        void apply(Entry entry) throws IOException;

        /** After the last entry, before the journal forgets them: make everything applied durable. */
        void finish() throws IOException;
    }

    /** Forces the segments of every log that took a journal entry (the checkpoint's work). */
    @FunctionalInterface
    interface LogForcer {
        void forceJournaledLogs() throws IOException;
    }

    private final Path dir;
    private final FileChannel channel;
    private final long capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition spaceFreed = lock.newCondition();
    private final Condition checkpointWanted = lock.newCondition();
    private final ReentrantLock forceLock = new ReentrantLock();
    private final ReentrantLock checkpointLock = new ReentrantLock();
    /** Under lock: the logical end, the next sequence number, bytes reserved by appenders. */
    private long head;
    private long nextSeq;
    private long reserved;
    /** Under lock: the logical position of the last checkpoint. */
    private long checkpointPosition;
    private volatile long forcedPosition;
    private volatile IOException failure;
    private volatile boolean closed;
    private Thread checkpointer;
    private LogForcer forcer;

    private Journal(Path dir, FileChannel channel, long capacity, long seq) {
        this.dir = dir;
        this.channel = channel;
        this.capacity = capacity;
        this.nextSeq = seq;
    }

    /**
     * Opens (creating if absent) the journal in {@code dir}: hands every entry after the last checkpoint to
     * {@code replay}, in order, then starts empty (the file truncated) with {@code capacity} bytes (which may differ
     * from the last run's).
     * The new checkpoint is written only after {@link ReplayHandler#finish} made the replayed entries durable.
     */
    public static Journal open(Path dir, long capacity, ReplayHandler replay) throws IOException {
        if (capacity < MIN_CAPACITY) {
            throw new IllegalArgumentException("journal capacity must be at least " + MIN_CAPACITY + ", was "
                    + capacity);
        }
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long seq = 0;
            Optional<Checkpoint> checkpoint = readCheckpoint(dir);
            if (checkpoint.isPresent()) {
                Checkpoint last = checkpoint.get();
                seq = replay(channel, last.position(), last.seq(), last.capacity(), replay, dir);
            }
            replay.finish();
            // Start with an empty file: until the first wrap every write extends the file. Overwriting the blocks of an
            // earlier run whose pages are no longer cached would make each entry's partial first and last pages a
            // synchronous read (measured: a third less throughput).
            channel.truncate(0);
            writeCheckpoint(dir, new Checkpoint(0, seq, capacity));
            return new Journal(dir, channel, capacity, seq);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The content of {@code journal-checkpoint}: where replay starts, the sequence number expected there. */
    private record Checkpoint(long position, long seq, long capacity) {}

    private static Optional<Checkpoint> readCheckpoint(Path dir) throws IOException {
        Path file = dir.resolve(CHECKPOINT_FILE);
        Optional<List<String>> lines = CheckpointFile.read(file);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        String[] fields = lines.get().isEmpty() ? new String[0] : lines.get().getFirst().trim().split(" ");
        try {
            if (fields.length == 3) {
                var checkpoint = new Checkpoint(Long.parseLong(fields[0]), Long.parseLong(fields[1]),
                        Long.parseLong(fields[2]));
                if (checkpoint.position() >= 0 && checkpoint.seq() >= 0 && checkpoint.capacity() >= MIN_CAPACITY) {
                    return Optional.of(checkpoint);
                }
            }
        } catch (NumberFormatException e) {
            throw new IOException("malformed journal checkpoint " + file, e);
        }
        throw new IOException("malformed journal checkpoint " + file);
    }

    private static void writeCheckpoint(Path dir, Checkpoint checkpoint) throws IOException {
        CheckpointFile.write(dir.resolve(CHECKPOINT_FILE),
                List.of(checkpoint.position() + " " + checkpoint.seq() + " " + checkpoint.capacity()));
    }

    /** Reads the valid entries from {@code position} on; returns the sequence number after the last one. */
    private static long replay(FileChannel channel, long position, long seq, long capacity, ReplayHandler handler,
            Path dir) throws IOException {
        long fileSize = channel.size();
        long scanned = 0;
        long physical = position % capacity;
        boolean wrapped = false;
        int count = 0;
        ByteBuffer header = ByteBuffer.allocate(8);
        while (scanned < capacity) {
            ByteBuffer entry = readEntry(channel, physical, seq, capacity, fileSize, header);
            if (entry == null) {
                if (physical == 0 || wrapped) {
                    break;
                }
                scanned += capacity - physical;
                physical = 0;
                wrapped = true;
                continue;
            }
            wrapped = false;
            int size = 8 + entry.remaining();
            entry.getLong(); // seq, checked by readEntry
            byte type = entry.get();
            long logId = entry.getLong();
            int nameLength = Short.toUnsignedInt(entry.getShort());
            byte[] name = new byte[nameLength];
            entry.get(name);
            handler.apply(new Entry(seq, type, logId, new String(name, StandardCharsets.UTF_8), entry.slice()));
            count++;
            seq++;
            physical += size;
            scanned += size;
        }
        if (count > 0) {
            LOG.info("Replayed {} journal entries from {}", count, dir);
        }
        return seq;
    }

    /** The entry at {@code physical} without its length and CRC, or null when there is no valid entry {@code seq}. */
    private static ByteBuffer readEntry(FileChannel channel, long physical, long seq, long capacity, long fileSize,
            ByteBuffer header) throws IOException {
        if (physical + HEADER_SIZE > Math.min(capacity, fileSize)) {
            return null;
        }
        header.clear();
        if (!FileChannels.readFully(channel, header, physical)) {
            return null;
        }
        header.flip();
        int length = header.getInt();
        int crc = header.getInt();
        if (length < HEADER_SIZE - 8 || physical + 8 + length > Math.min(capacity, fileSize)) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        if (!FileChannels.readFully(channel, body, physical + 8)) {
            return null;
        }
        body.flip();
        var checksum = new CRC32C();
        checksum.update(body.duplicate());
        if ((int) checksum.getValue() != crc || body.getLong(0) != seq) {
            return null;
        }
        return body;
    }

    /** Starts the checkpointer, which uses {@code forcer} to force the journaled logs. */
    void start(LogForcer logForcer) {
        this.forcer = logForcer;
        checkpointer = Thread.ofPlatform().name("journal-checkpointer").daemon().start(this::runCheckpointer);
    }

    /** The bytes a journal entry for a log named {@code name} with a payload of {@code payload} bytes takes. */
    static int entrySize(byte[] name, int payload) {
        return HEADER_SIZE + name.length + payload;
    }

    /** The largest payload journaled; larger batches are forced in their segment instead. */
    int maxPayload() {
        return (int) Math.min(Integer.MAX_VALUE - 1024, capacity / 8);
    }

    /**
     * Reserves space for an entry of {@code size} bytes, waiting while the ring is full (until a checkpoint frees
     * space). Call without holding any log lock; pass the same size to {@link #append} or {@link #unreserve}. Returns
     * false, reserving nothing, when the journal failed or is closed (the caller then forces its segment instead).
     */
    boolean reserve(int size) throws IOException {
        lock.lock();
        try {
            // 2 * size: the entry, plus at most that much skipped when it wraps to the start of the file
            while (head - checkpointPosition + reserved + 2L * size > capacity) {
                if (failure != null || closed) {
                    return false;
                }
                checkpointWanted.signal();
                spaceFreed.await(100, TimeUnit.MILLISECONDS);
            }
            if (failure != null || closed) {
                return false;
            }
            reserved += 2L * size;
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for journal space");
        } finally {
            lock.unlock();
        }
    }

    /** Returns a reservation that was not used. */
    void unreserve(int size) {
        lock.lock();
        try {
            reserved -= 2L * size;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes one entry (space reserved with {@link #reserve}; the reservation is consumed) and returns its logical end
     * position, to pass to {@link #forceUpTo}. {@code payload} is read from its position to its limit (unchanged);
     * for truncate and restart entries it holds the offset.
     */
    long append(byte type, long logId, byte[] name, ByteBuffer payload, int size) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE + name.length);
        lock.lock();
        try {
            reserved -= 2L * size;
            throwIfFailed();
            if (closed) {
                throw new IOException("the journal in " + dir + " is closed");
            }
            long physical = head % capacity;
            if (physical + size > capacity) {
                head += capacity - physical;
                physical = 0;
            }
            header.putInt(size - 8).putInt(0).putLong(nextSeq).put(type).putLong(logId)
                    .putShort((short) name.length).put(name).flip();
            var checksum = new CRC32C();
            checksum.update(header.duplicate().position(8));
            checksum.update(payload.duplicate());
            header.putInt(4, (int) checksum.getValue());
            ByteBuffer[] parts = {header, payload.duplicate()};
            long at = physical;
            long end = physical + size;
            try {
                while (at < end) {
                    channel.position(at);
                    at += channel.write(parts);
                }
            } catch (IOException e) {
                fail(e);
                throw e;
            }
            nextSeq++;
            head += size;
            if (head - checkpointPosition > checkpointBytes()) {
                checkpointWanted.signal();
            }
            return head;
        } finally {
            lock.unlock();
        }
    }

    /** Forces the journal so that every entry ending at or before {@code position} is durable (group commit). */
    void forceUpTo(long position) throws IOException {
        if (forcedPosition >= position) {
            return;
        }
        forceLock.lock();
        try {
            if (forcedPosition >= position) {
                return;
            }
            throwIfFailed();
            long end;
            lock.lock();
            try {
                end = head;
            } finally {
                lock.unlock();
            }
            try {
                channel.force(false);
            } catch (IOException e) {
                fail(e);
                throw e;
            }
            forcedPosition = end;
        } finally {
            forceLock.unlock();
        }
    }

    /** Records the first failure (sticky): appends fall back to forcing their segments from now on. */
    private void fail(IOException cause) {
        if (failure == null) {
            failure = cause;
            LOG.error("The journal in {} failed; appends are made durable by forcing their segments from now on", dir,
                    cause);
        }
    }

    private void throwIfFailed() throws IOException {
        IOException cause = failure;
        if (cause != null) {
            throw new IOException("the journal in " + dir + " failed earlier: " + cause.getMessage(), cause);
        }
    }

    private void runCheckpointer() {
        while (!closed) {
            lock.lock();
            try {
                long deadline = System.nanoTime() + CHECKPOINT_INTERVAL;
                while (!closed && head - checkpointPosition <= checkpointBytes()
                        && (head == checkpointPosition || System.nanoTime() < deadline)
                        && !(head > checkpointPosition && head - checkpointPosition + reserved > capacity / 2)) {
                    checkpointWanted.awaitNanos(Math.max(1, deadline - System.nanoTime()));
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (closed) {
                return;
            }
            try {
                checkpoint();
            } catch (IOException | RuntimeException e) {
                LOG.error("Journal checkpoint in {} failed; appends wait once the journal is full", dir, e);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /**
     * Forces every journaled log, then records the journal's end at the start of the checkpoint as the new
     * checkpoint: the ring space before it can be reused.
     */
    void checkpoint() throws IOException {
        checkpointLock.lock();
        try {
            long position;
            long seq;
            lock.lock();
            try {
                position = head;
                seq = nextSeq;
                if (position == checkpointPosition) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            if (forcer != null) {
                forcer.forceJournaledLogs();
            }
            writeCheckpoint(dir, new Checkpoint(position, seq, capacity));
            lock.lock();
            try {
                checkpointPosition = position;
                spaceFreed.signalAll();
            } finally {
                lock.unlock();
            }
        } finally {
            checkpointLock.unlock();
        }
    }

    private long checkpointBytes() {
        return Math.min(capacity / 2, CHECKPOINT_BYTES);
    }

    /** Bytes between the last checkpoint and the end (tests, metrics). */
    long usedBytes() {
        lock.lock();
        try {
            return head - checkpointPosition;
        } finally {
            lock.unlock();
        }
    }

    long capacity() {
        return capacity;
    }

    /**
     * Stops the checkpointer and, when every log was closed before (so all are forced), records an empty journal.
     * The logs must be closed first: a final checkpoint forces only logs the forcer still knows.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (failure == null) {
                checkpoint();
            }
        } finally {
            closed = true;
            lock.lock();
            try {
                checkpointWanted.signalAll();
                spaceFreed.signalAll();
            } finally {
                lock.unlock();
            }
            if (checkpointer != null) {
                try {
                    checkpointer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "Journal(" + dir + ", capacity=" + capacity + ")";
    }
}
