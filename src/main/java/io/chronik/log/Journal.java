package io.chronik.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
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
 * one force per partition, a produce request for N partitions paid N; the journal pays one. The price is that each
 * byte reaches the disk twice (journal, then segment at a checkpoint): see docs/durability.md.
 *
 * <p><b>Writing.</b> An append only copies its entry into {@code staging}, an in-memory ring of
 * {@link #STAGING_BYTES} that mirrors the journal's logical positions modulo its size. A force writes the staged bytes
 * in whole blocks (the last, partial block again at the next force) and then forces the file. The writes bypass the
 * page cache ({@code O_DIRECT}) where the file system allows it, so the journal costs no second page-cache copy of
 * every byte. The file is kept from run to run and zero-filled once ahead of the writes ({@link #runFiller}), so
 * after the first lap every write overwrites allocated blocks and a force needs no file-system journal commit; whole
 * blocks also never make the kernel read a page first. An appender that finds the staging ring full writes it out
 * itself.
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
 * then starts empty, at file position 0; older entries still in the file have smaller sequence numbers, so a later
 * replay stops at them.
 *
 * <p>Thread-safety: safe for concurrent use. Appends are serialized by an internal lock; forces (and the writes of
 * staged bytes) by another (callers that find their entry already forced return at once: group commit across
 * partitions). Lock order: a log's locks, then {@code forceLock}, then {@code lock} or {@code fillLock}.
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
    /** Size of the in-memory ring of entries not yet written to the file. */
    static final int STAGING_BYTES = 8 << 20;
    /** Writes are whole blocks of this size (or the file system's block, if larger), at positions aligned to it. */
    private static final int MIN_BLOCK = 4096;
    /** The filler zero-fills the file in writes of this size, at most {@link #FILL_AHEAD} ahead of the writes. */
    private static final int FILL_CHUNK = 1 << 20;
    private static final long FILL_AHEAD = 8L << 20;
    /**
     * {@code com.sun.nio.file.ExtendedOpenOption.DIRECT} ({@code O_DIRECT}), looked up at run time: it lives in the
     * JDK's {@code jdk.unsupported} module, which javac warns about; null where the JDK does not have it.
     */
    private static final OpenOption DIRECT = directOption();
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
    /** Buffered: replay reads, forces, and the writes where the file system has no {@code O_DIRECT}. */
    private final FileChannel channel;
    /** The channel the staged bytes and the filler's zeros are written through: {@code O_DIRECT}, or {@code channel}. */
    private final FileChannel writer;
    private final int block;
    private final ByteBuffer staging;
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
    /**
     * Written under forceLock: the logical position up to which the staged bytes are in the file. Appenders read it:
     * staging bytes from its block on may still be needed.
     */
    private volatile long written;
    /** Coordinates the filler with the writes: it never zero-fills where the writer has written. */
    private final ReentrantLock fillLock = new ReentrantLock();
    private final Condition fillWanted = fillLock.newCondition();
    private final Condition fillDone = fillLock.newCondition();
    /** Under fillLock: file bytes below this were written (zeros or entries), the highest file end written by the
     * writer, and the start of the chunk being zero-filled (-1: none). */
    private long prepared;
    private long writerEnd;
    private long filling = -1;
    private Thread filler;
    private volatile IOException failure;
    private volatile boolean closed;
    private Thread checkpointer;
    private LogForcer forcer;

    private Journal(Path dir, FileChannel channel, FileChannel writer, int block, long capacity, long seq,
            long prepared) {
        this.dir = dir;
        this.channel = channel;
        this.writer = writer;
        this.block = block;
        this.staging = ByteBuffer.allocateDirect(STAGING_BYTES + block).alignedSlice(block).limit(STAGING_BYTES)
                .slice();
        this.capacity = capacity;
        this.nextSeq = seq;
        this.prepared = prepared;
    }

    /**
     * Opens (creating if absent) the journal in {@code dir}: hands every entry after the last checkpoint to
     * {@code replay}, in order, then starts empty (at file position 0, with sequence numbers above any in the file)
     * with {@code capacity} bytes (which may differ from the last run's).
     * The new checkpoint is written only after {@link ReplayHandler#finish} made the replayed entries durable.
     */
    public static Journal open(Path dir, long capacity, ReplayHandler replay) throws IOException {
        return open(dir, capacity, replay, true);
    }

    /** {@link #open}; with {@code direct} false the file is written through the page cache (tests of that path). */
    static Journal open(Path dir, long capacity, ReplayHandler replay, boolean direct) throws IOException {
        if (capacity < MIN_CAPACITY) {
            throw new IllegalArgumentException("journal capacity must be at least " + MIN_CAPACITY + ", was "
                    + capacity);
        }
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileChannel writer = channel;
        try {
            long seq = 0;
            long previousCapacity = 0;
            Optional<Checkpoint> checkpoint = readCheckpoint(dir);
            if (checkpoint.isPresent()) {
                Checkpoint last = checkpoint.get();
                seq = replay(channel, last.position(), last.seq(), last.capacity(), replay, dir);
                previousCapacity = last.capacity();
            }
            replay.finish();
            int block = blockSize(file);
            long ring = capacity - capacity % block;
            // The file is kept and its blocks overwritten in place. The replay stopped at the first entry that was not
            // valid; intact entries after it (never acknowledged: a torn write before them) may still be in the file,
            // numbered from seq on. Skipping more numbers than the file can hold entries makes them all older than
            // this run's first entry, so no later replay can mistake one of them for an entry of this run.
            if (channel.size() > 0) {
                seq += Math.max(ring, Math.max(previousCapacity, channel.size())) / HEADER_SIZE + 1;
            }
            writeCheckpoint(dir, new Checkpoint(0, seq, ring));
            if (channel.size() > ring) {
                channel.truncate(ring);
            }
            if (direct) {
                writer = openDirect(file);
            }
            long size = channel.size();
            LOG.info("Journal {}: {} MiB ring, written {}", file, ring >> 20,
                    writer != null && writer != channel ? "with direct IO" : "through the page cache");
            return new Journal(dir, channel, writer == null ? channel : writer, block, ring, seq, size - size % block);
        } catch (IOException | RuntimeException e) {
            if (writer != null && writer != channel) {
                writer.close();
            }
            channel.close();
            throw e;
        }
    }

    private static int blockSize(Path file) {
        try {
            long size = Files.getFileStore(file).getBlockSize();
            if (size > MIN_BLOCK && size <= FILL_CHUNK && Long.bitCount(size) == 1) {
                return (int) size;
            }
        } catch (IOException | UnsupportedOperationException e) {
            // the default below
        }
        return MIN_BLOCK;
    }

    private static OpenOption directOption() {
        try {
            for (Object option : Class.forName("com.sun.nio.file.ExtendedOpenOption").getEnumConstants()) {
                if (((Enum<?>) option).name().equals("DIRECT")) {
                    return (OpenOption) option;
                }
            }
        } catch (ClassNotFoundException | RuntimeException e) {
            // no direct IO: written through the page cache
        }
        return null;
    }

    /** The file opened for writes that bypass the page cache, or null where the file system does not allow that. */
    private static FileChannel openDirect(Path file) {
        if (DIRECT == null) {
            LOG.info("The journal {} is written through the page cache: this JDK has no direct IO option", file);
            return null;
        }
        try {
            return FileChannel.open(file, StandardOpenOption.WRITE, DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("The journal {} is written through the page cache: direct IO is not available ({})", file,
                    e.toString());
            return null;
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
        filler = Thread.ofPlatform().name("journal-filler").daemon().start(this::runFiller);
    }

    /** The bytes a journal entry for a log named {@code name} with a payload of {@code payload} bytes takes. */
    static int entrySize(byte[] name, int payload) {
        return HEADER_SIZE + name.length + payload;
    }

    /** The largest payload journaled; larger batches are forced in their segment instead. */
    int maxPayload() {
        return (int) Math.min(STAGING_BYTES / 4, capacity / 8);
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
            skipToStartIfAtEnd(size);
            while (head + size > blockStart(written) + STAGING_BYTES) {
                // the staging ring is full: write it out (without the lock, which forces take after forceLock)
                lock.unlock();
                try {
                    writeStaged();
                } finally {
                    lock.lock();
                }
                throwIfFailed();
                if (closed) {
                    throw new IOException("the journal in " + dir + " is closed");
                }
                skipToStartIfAtEnd(size);
            }
            header.putInt(size - 8).putInt(0).putLong(nextSeq).put(type).putLong(logId)
                    .putShort((short) name.length).put(name).flip();
            var checksum = new CRC32C();
            checksum.update(header.duplicate().position(8));
            checksum.update(payload.duplicate());
            header.putInt(4, (int) checksum.getValue());
            stage(head, header);
            stage(head + header.remaining(), payload.duplicate());
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

    /** Under lock: an entry of {@code size} that does not fit before the end of the file starts at its beginning. */
    private void skipToStartIfAtEnd(int size) {
        long physical = head % capacity;
        if (physical + size > capacity) {
            head += capacity - physical;
        }
    }

    /** Under lock: copies {@code bytes} into the staging ring at the logical position {@code at}. */
    private void stage(long at, ByteBuffer bytes) {
        int from = bytes.position();
        int remaining = bytes.remaining();
        while (remaining > 0) {
            int index = (int) (at % STAGING_BYTES);
            int n = Math.min(remaining, STAGING_BYTES - index);
            staging.put(index, bytes, from, n);
            from += n;
            at += n;
            remaining -= n;
        }
    }

    /**
     * Writes the staged bytes up to the journal's end to the file, in whole blocks from the block that holds the first
     * unwritten byte; returns the logical position written up to.
     */
    private long writeStaged() throws IOException {
        forceLock.lock();
        try {
            throwIfFailed();
            long end;
            lock.lock();
            try {
                end = head;
            } finally {
                lock.unlock();
            }
            if (end <= written) {
                return written;
            }
            long from = blockStart(written);
            long to = blockStart(end + block - 1);
            try {
                while (from < to) {
                    int index = (int) (from % STAGING_BYTES);
                    long filePosition = from % capacity;
                    int n = (int) Math.min(to - from, Math.min(STAGING_BYTES - index, capacity - filePosition));
                    awaitFiller(filePosition, filePosition + n);
                    ByteBuffer chunk = staging.slice(index, n);
                    while (chunk.hasRemaining()) {
                        filePosition += writer.write(chunk, filePosition);
                    }
                    from += n;
                }
            } catch (IOException e) {
                fail(e);
                throw e;
            }
            written = end;
            return end;
        } finally {
            forceLock.unlock();
        }
    }

    /** The start of the block that holds {@code position}. */
    private long blockStart(long position) {
        return position - position % block;
    }

    /**
     * Before the writer writes file bytes {@code [from, to)}: records them as the writer's, so the filler never
     * zero-fills them, and waits while the filler is writing a chunk that overlaps them.
     */
    private void awaitFiller(long from, long to) throws InterruptedIOException {
        fillLock.lock();
        try {
            writerEnd = Math.max(writerEnd, to);
            while (filling >= 0 && filling < to && filling + FILL_CHUNK > from) {
                fillDone.await();
            }
            if (prepared < capacity && prepared < writerEnd + FILL_AHEAD) {
                fillWanted.signal();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the journal filler");
        } finally {
            fillLock.unlock();
        }
    }

    /**
     * Zero-fills the file up to its capacity, in {@link #FILL_CHUNK} writes that stay at most {@link #FILL_AHEAD}
     * ahead of the writer and never below what it wrote: an append to a file makes a force commit the file system's
     * journal (new size, new blocks), an overwrite of written blocks does not. Runs once per file, in its first lap;
     * a failed write (a full disk) only stops the filling, the writer then extends the file itself.
     */
    private void runFiller() {
        ByteBuffer zeros = ByteBuffer.allocateDirect(FILL_CHUNK + block).alignedSlice(block).limit(FILL_CHUNK)
                .slice();
        while (true) {
            long start;
            int length;
            fillLock.lock();
            try {
                while (!closed && !(writerEnd > 0 && prepared < capacity && prepared < writerEnd + FILL_AHEAD)) {
                    if (prepared >= capacity) {
                        return; // the whole file is written: nothing left to fill, in this run or later ones
                    }
                    fillWanted.await();
                }
                if (closed) {
                    return;
                }
                start = Math.max(prepared, blockStart(writerEnd + block - 1));
                length = (int) Math.min(FILL_CHUNK, capacity - start);
                if (length <= 0) {
                    prepared = capacity;
                    continue;
                }
                filling = start;
            } catch (InterruptedException e) {
                return;
            } finally {
                fillLock.unlock();
            }
            boolean filled = false;
            try {
                ByteBuffer chunk = zeros.duplicate().limit(length);
                long position = start;
                while (chunk.hasRemaining()) {
                    position += writer.write(chunk, position);
                }
                filled = true;
            } catch (IOException e) {
                LOG.warn("Zero-filling the journal in {} failed; its first lap extends the file instead: {}", dir,
                        e.toString());
            } finally {
                fillLock.lock();
                try {
                    prepared = filled ? start + length : capacity;
                    filling = -1;
                    fillDone.signalAll();
                } finally {
                    fillLock.unlock();
                }
            }
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
            long end = writeStaged();
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
            fillLock.lock();
            try {
                fillWanted.signalAll();
            } finally {
                fillLock.unlock();
            }
            try {
                if (checkpointer != null) {
                    checkpointer.join();
                }
                if (filler != null) {
                    filler.join();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (writer != channel) {
                writer.close();
            }
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "Journal(" + dir + ", capacity=" + capacity + ")";
    }
}
