package io.chronik.log;

import io.chronik.log.BatchScanner.Batch;
import io.chronik.log.BatchScanner.Invalid;
import io.chronik.log.OffsetIndex.OffsetPosition;
import io.chronik.log.TimeIndex.TimestampOffset;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One segment of a partition log: {@code <base offset as 20 digits>.log} plus its {@link OffsetIndex}
 * ({@code .index}) and {@link TimeIndex} ({@code .timeindex}).
 *
 * <p>Layout of the {@code .log} file: magic-v2 record batches back to back, exactly as appended (see
 * {@link BatchHeader}); no file header, no padding. Offsets strictly increase from batch to batch; they are
 * contiguous until compaction removes batches, and the first batch's base offset is the segment's base offset unless
 * compaction removed that batch.
 *
 * <p>Indexes: while the segment is active, both indexes live only in heap mirrors and their files are empty (see
 * {@link IndexFile}); {@link #seal} writes each file in one go. A cleanly closed active segment therefore leaves
 * empty index files, which is consistent: the last segment is always recovered on open, and recovery rebuilds its
 * indexes without reading them.
 *
 * <p>Preallocation ({@code preallocate}): while the segment is active, the file is kept zero-filled ahead of the
 * append position up to the next multiple of the chunk ({@code min(4 MiB, segment.bytes)}), never past
 * {@code segment.bytes}.
 * The zeros are really written, not {@code fallocate}d: forcing data written over existing blocks needs no ext4
 * journal commit for a new file size or block allocation, so each {@code force()} is cheaper (about half the CPU
 * and wall time on ext4). The zero-fill is not forced by itself; the next data force commits the new size once per
 * chunk. {@link #size()} (what readers, slices and retention see) is always the end of the last batch, never the
 * file length. {@link #seal} and {@link #trimPreallocation} truncate the file to its data, so a sealed segment's
 * file length is the end of its last batch, as is a cleanly closed active segment's.
 *
 * <p>Compaction writes a replacement segment under temporary names ({@code <base>.log.cleaned}, then
 * {@code <base>.log.swap}, likewise for the indexes) and renames it to the live names once the old segments are
 * gone (see {@link LogCleaner}).
 *
 * <p>Crash behaviour: bytes past the last {@code force()} may be missing, torn or garbage after a crash;
 * {@link #recover} walks the file, truncates it at the first invalid batch and rebuilds both indexes. A tail that is
 * all zero bytes after the last valid batch is the preallocated region (of the active segment, or of a segment that
 * was rolled just before the crash): it is truncated too, but is not reported as damage.
 *
 * <p>Thread-safety: mutations ({@code append}, {@code seal}, {@code truncateTo}, {@code recover}) run under the
 * owning log's append lock. Reads ({@code slice}, {@code findByTimestamp}, {@code forEachBatch}) may run
 * concurrently from any thread; they are bounded by an end position the caller read before, so they only see
 * whole batches.
 */
final class LogSegment {

    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String DELETED_SUFFIX = ".deleted";
    static final String CLEANED_SUFFIX = ".cleaned";
    static final String SWAP_SUFFIX = ".swap";
    private static final int READ_WINDOW = 2 * 1024;
    private static final int SCAN_WINDOW = 64 * 1024;
    /** Largest preallocation step; smaller when {@code segment.bytes} is (tests use tiny segments). */
    static final int PREALLOCATION_CHUNK = 4 * 1024 * 1024;
    /** Zeros written by preallocation, shared by all segments (read-only, so each write uses a duplicate). */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1024 * 1024).asReadOnlyBuffer();

    private final Path dir;
    private final long baseOffset;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final int indexIntervalBytes;
    private volatile int size;
    private volatile long nextOffset;
    private volatile TimestampOffset maxTimestamp;
    private volatile long firstBatchTimestamp = -1;
    private int bytesSinceLastIndexEntry;
    private volatile boolean sealed;
    /** Bytes the {@code .log} file holds: {@link #size} plus the preallocated zeros. Under the append lock. */
    private long fileEnd;
    /** Zero-fill step while active, 0 when preallocation is off; and the file length it never goes past. */
    private volatile int preallocationChunk;
    private volatile int preallocationLimit;
    /** Appended to every file name while compaction builds or swaps this segment ({@code .cleaned}, {@code .swap}). */
    private String pendingSuffix;

    private LogSegment(Path dir, long baseOffset, LogConfig config, String pendingSuffix) throws IOException {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.pendingSuffix = pendingSuffix;
        this.channel = FileChannel.open(file(LOG_SUFFIX), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.offsetIndex = new OffsetIndex(file(INDEX_SUFFIX), baseOffset, config.segmentIndexBytes());
        this.timeIndex = new TimeIndex(file(TIME_INDEX_SUFFIX), baseOffset, config.segmentIndexBytes());
        this.indexIntervalBytes = config.indexIntervalBytes();
        resetState();
        if (pendingSuffix.isEmpty()) {
            // compaction output is written once and forced once: zero-filling it first would only double the writes
            configurePreallocation(config);
        }
    }

    /** Creates an empty segment (any stale files of that name are emptied). */
    static LogSegment create(Path dir, long baseOffset, LogConfig config) throws IOException {
        return create(dir, baseOffset, config, "");
    }

    /** Creates an empty segment whose files carry {@code pendingSuffix} (compaction output, {@code .cleaned}). */
    static LogSegment create(Path dir, long baseOffset, LogConfig config, String pendingSuffix) throws IOException {
        var segment = new LogSegment(dir, baseOffset, config, pendingSuffix);
        segment.channel.truncate(0);
        segment.offsetIndex.truncateToEntries(0);
        segment.timeIndex.truncateToEntries(0);
        return segment;
    }

    /** Opens an existing segment without reading it; follow with {@link #loadSealed} or {@link #recover}. */
    static LogSegment open(Path dir, long baseOffset, LogConfig config) throws IOException {
        return new LogSegment(dir, baseOffset, config, "");
    }

    static Path path(Path dir, long baseOffset, String suffix) {
        return dir.resolve(String.format("%020d%s", baseOffset, suffix));
    }

    long baseOffset() {
        return baseOffset;
    }

    int size() {
        return size;
    }

    /** Offset after the last batch of this segment. */
    long nextOffset() {
        return nextOffset;
    }

    TimestampOffset maxTimestamp() {
        return maxTimestamp;
    }

    Path file() {
        return file(LOG_SUFFIX);
    }

    private Path file(String suffix) {
        return dir.resolve(String.format("%020d%s%s", baseOffset, suffix, pendingSuffix));
    }

    /**
     * Renames the three files from their current pending suffix to {@code newPendingSuffix} ("" for the live names),
     * the {@code .log} last; open channels stay valid. Not forced: the caller forces the directory.
     */
    void renamePending(String newPendingSuffix) throws IOException {
        String from = pendingSuffix;
        for (String suffix : new String[] {INDEX_SUFFIX, TIME_INDEX_SUFFIX, LOG_SUFFIX}) {
            Path source = file(suffix);
            pendingSuffix = newPendingSuffix;
            Path target = file(suffix);
            pendingSuffix = from;
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        pendingSuffix = newPendingSuffix;
    }

    /**
     * Applies {@code config}'s {@code preallocate} and {@code segment.bytes} to the zero-filling of this segment from
     * its next chunk on. Turning preallocation off leaves the zeros already written until the segment is sealed.
     */
    void configurePreallocation(LogConfig config) {
        preallocationLimit = config.segmentBytes();
        preallocationChunk = config.preallocate() ? Math.min(PREALLOCATION_CHUNK, config.segmentBytes()) : 0;
    }

    /** True when appending {@code header}'s batch would exceed a limit of this (non-empty) segment. */
    boolean shouldRoll(BatchHeader header, LogConfig config) {
        if (size == 0) {
            return false;
        }
        return (long) size + header.sizeInBytes() > config.segmentBytes()
                || firstBatchTimestamp >= 0 && header.maxTimestamp() - firstBatchTimestamp > config.segmentMs()
                || offsetIndex.isFull() || timeIndex.isFull()
                || header.lastOffset() - baseOffset > Integer.MAX_VALUE;
    }

    /** True when the segment is non-empty and its first batch is older than {@code segmentMs} at {@code nowMs}. */
    boolean isOlderThan(long nowMs, long segmentMs) {
        return size > 0 && firstBatchTimestamp >= 0 && nowMs - firstBatchTimestamp > segmentMs;
    }

    /**
     * Appends the batch {@code batch[position, limit)}, already stamped, whose header is {@code header}. When the
     * batch would pass the preallocated end, the next chunk is zero-filled first; if that fails (say, the disk is
     * full), the exception is thrown before any byte of the batch is written and the segment is unchanged.
     */
    void append(ByteBuffer batch, BatchHeader header) throws IOException {
        int position = size;
        preallocateFor((long) position + header.sizeInBytes());
        ByteBuffer bytes = batch.duplicate();
        long at = position;
        while (bytes.hasRemaining()) {
            at += channel.write(bytes, at);
        }
        fileEnd = Math.max(fileEnd, at);
        indexBatch(header, position);
        size = position + header.sizeInBytes();
        nextOffset = header.nextOffset();
    }

    /**
     * When {@code dataEnd} passes the file's end, zero-fills the file up to the first chunk boundary at or after
     * {@code dataEnd}, capped at {@code segment.bytes}. Boundaries are multiples of the chunk, so the file length
     * depends only on the data (replicas holding the same batches have identical files). Nothing is zero-filled when
     * the batch itself reaches the boundary or the cap (an oversized first batch, the last batch before a roll): it
     * extends the file as it is written.
     */
    private void preallocateFor(long dataEnd) throws IOException {
        int chunk = preallocationChunk;
        if (chunk == 0 || dataEnd <= fileEnd) {
            return;
        }
        long target = Math.min((dataEnd + chunk - 1) / chunk * chunk, preallocationLimit);
        if (target <= dataEnd) {
            return;
        }
        while (fileEnd < target) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(zeros.capacity(), target - fileEnd));
            fileEnd += channel.write(zeros, fileEnd);
        }
    }

    /**
     * Truncates the file to the end of its last batch, dropping the preallocated zeros (not forced: the force that
     * follows a roll or a close covers it). Under the append lock.
     */
    void trimPreallocation() throws IOException {
        if (fileEnd > size) {
            channel.truncate(size);
            fileEnd = size;
        }
    }

    private void indexBatch(BatchHeader header, int position) {
        if (position == 0) {
            firstBatchTimestamp = header.maxTimestamp();
        }
        if (header.maxTimestamp() > maxTimestamp.timestamp()) {
            maxTimestamp = new TimestampOffset(header.maxTimestamp(), header.baseOffset());
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            offsetIndex.append(header.baseOffset(), position);
            timeIndex.maybeAppend(maxTimestamp.timestamp(), maxTimestamp.offset());
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += header.sizeInBytes();
    }

    /**
     * Closes the segment for appends: the preallocated zeros are truncated away, a final time index entry is added
     * and both indexes are written to their files in one go (they were heap-only while active) and become immutable
     * (memory-mapped). Nothing is forced: the caller forces the data and both indexes ({@link #flushAll}) before the
     * recovery point moves past this segment.
     */
    void seal() throws IOException {
        trimPreallocation();
        timeIndex.maybeAppend(maxTimestamp.timestamp(), maxTimestamp.offset());
        offsetIndex.seal();
        timeIndex.seal();
        sealed = true;
    }

    boolean isSealed() {
        return sealed;
    }

    /**
     * Whole batches from the one holding {@code offset}, within {@code endPosition}, {@code maxBytes} (at least one
     * batch when {@code minOneBatch}) and below {@code maxOffsetExclusive}; null when no batch of this segment
     * reaches {@code offset}.
     */
    LogSlice slice(long offset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch, int endPosition)
            throws IOException {
        var scanner = scannerFrom(offset, endPosition);
        Batch first = firstBatchReaching(scanner, offset);
        if (first == null) {
            return null;
        }
        if (first.header().lastOffset() >= maxOffsetExclusive
                || first.header().sizeInBytes() > maxBytes && !minOneBatch) {
            return LogSlice.empty(offset);
        }
        long total = first.header().sizeInBytes();
        while (scanner.next() instanceof Batch next && next.header().lastOffset() < maxOffsetExclusive
                && total + next.header().sizeInBytes() <= maxBytes) {
            total += next.header().sizeInBytes();
        }
        return new LogSlice(channel, first.position(), (int) total, first.header().baseOffset());
    }

    /** The first batch at or after {@code fromOffset} whose max timestamp is {@code >= timestamp}. */
    Optional<BatchHeader> findByTimestamp(long timestamp, long fromOffset, int endPosition) throws IOException {
        if (maxTimestamp.timestamp() < timestamp) {
            return Optional.empty();
        }
        long start = Math.max(fromOffset, timeIndex.lookupBefore(timestamp).map(TimestampOffset::offset)
                .orElse(baseOffset));
        var scanner = scannerFrom(start, endPosition);
        while (scanner.next() instanceof Batch batch) {
            if (batch.header().lastOffset() >= fromOffset && batch.header().maxTimestamp() >= timestamp) {
                return Optional.of(batch.header());
            }
        }
        return Optional.empty();
    }

    /** Receives a batch's header and its bytes (a buffer reused for the next batch). */
    @FunctionalInterface
    interface BatchBytesVisitor {
        void visit(BatchHeader header, ByteBuffer batch) throws IOException;
    }

    /** Reads every batch of this (sealed) segment in order, with its bytes, for compaction. */
    void forEachBatchWithBytes(BatchBytesVisitor visitor) throws IOException {
        var scanner = new BatchScanner(channel, 0, size, SCAN_WINDOW, BatchScanner.NEVER_VERIFY);
        ByteBuffer buffer = ByteBuffer.allocate(READ_WINDOW);
        while (true) {
            switch (scanner.next()) {
                case Batch batch -> {
                    int length = batch.header().sizeInBytes();
                    if (buffer.capacity() < length) {
                        buffer = ByteBuffer.allocate(Math.max(length, buffer.capacity() * 2));
                    }
                    buffer.clear().limit(length);
                    if (!FileChannels.readFully(channel, buffer, batch.position())) {
                        throw new IOException(file() + " ends inside the batch at byte " + batch.position());
                    }
                    visitor.visit(batch.header(), buffer.flip());
                }
                case BatchScanner.End end -> {
                    return;
                }
                case Invalid invalid -> throw new IOException("invalid batch at byte " + invalid.position() + " of "
                        + file() + ": " + invalid.reason());
            }
        }
    }

    /** Visits the headers of the batches reaching {@code fromOffset} and starting below {@code endOffset}. */
    void forEachBatch(long fromOffset, long endOffset, int endPosition, Consumer<BatchHeader> visitor)
            throws IOException {
        var scanner = scannerFrom(fromOffset, endPosition);
        while (scanner.next() instanceof Batch batch && batch.header().baseOffset() < endOffset) {
            if (batch.header().lastOffset() >= fromOffset) {
                visitor.accept(batch.header());
            }
        }
    }

    private BatchScanner scannerFrom(long offset, int endPosition) {
        OffsetPosition start = offsetIndex.lookup(offset);
        return new BatchScanner(channel, start.position(), endPosition, READ_WINDOW, BatchScanner.NEVER_VERIFY);
    }

    private static Batch firstBatchReaching(BatchScanner scanner, long offset) throws IOException {
        while (true) {
            switch (scanner.next()) {
                case Batch batch when batch.header().lastOffset() >= offset -> {
                    return batch;
                }
                case Batch ignored -> { }
                case BatchScanner.End end -> {
                    return null;
                }
                case Invalid invalid -> throw new IOException("invalid batch at byte " + invalid.position() + " of "
                        + "a readable region: " + invalid.reason());
            }
        }
    }

    /**
     * Loads a sealed segment trusted to be whole (below the recovery point): sanity-checks both indexes and walks
     * the batches after the last offset index entry. Returns false when an index is missing, incomplete or
     * inconsistent, or the tail is not valid; the caller then calls {@link #recover}.
     */
    boolean loadSealed() throws IOException {
        long fileSize = channel.size();
        if (fileSize == 0 || !offsetIndex.loadSealed(fileSize) || !timeIndex.loadSealed(fileSize)
                || timeIndex.lastEntry().isEmpty()) {
            return false;
        }
        OffsetPosition last = offsetIndex.lookup(Long.MAX_VALUE);
        var scanner = new BatchScanner(channel, last.position(), fileSize, SCAN_WINDOW, BatchScanner.NEVER_VERIFY);
        TimestampOffset max = timeIndex.lastEntry().get();
        long expected = last.offset();
        long bytesSinceEntry = 0;
        while (scanner.next() instanceof Batch batch) {
            BatchHeader header = batch.header();
            if (header.baseOffset() < expected || bytesSinceEntry > indexIntervalBytes) {
                return false;
            }
            if (header.maxTimestamp() > max.timestamp()) {
                max = new TimestampOffset(header.maxTimestamp(), header.baseOffset());
            }
            bytesSinceEntry += header.sizeInBytes();
            expected = header.nextOffset();
        }
        if (scanner.position() != fileSize) {
            return false;
        }
        size = (int) fileSize;
        fileEnd = fileSize;
        nextOffset = expected;
        maxTimestamp = max;
        sealed = true;
        return true;
    }

    /**
     * Rebuilds the indexes and in-memory state by walking the whole file, verifying the CRC of the batches reaching
     * {@code verifyCrcFromOffset} and that offsets strictly increase from the base offset (compaction leaves gaps
     * between batches). The indexes are rebuilt in the heap: their files are emptied, whatever stale content they
     * held, and written when the segment is sealed. Truncates the file at the first invalid batch and returns it;
     * empty when the whole file is valid, or when all that follows the last valid batch is zero bytes (a
     * preallocated tail, truncated as well).
     * {@code onValidBatch} sees each batch.
     */
    Optional<Invalid> recover(long verifyCrcFromOffset, Consumer<BatchHeader> onValidBatch) throws IOException {
        offsetIndex.truncateToEntries(0);
        timeIndex.truncateToEntries(0);
        resetState();
        sealed = false;
        long fileSize = channel.size();
        var scanner = new BatchScanner(channel, 0, fileSize, SCAN_WINDOW, verifyCrcFromOffset);
        long expected = baseOffset;
        int validEnd = 0;
        Invalid invalid = null;
        while (invalid == null) {
            var step = scanner.next();
            if (step instanceof Batch batch) {
                if (batch.header().baseOffset() < expected) {
                    invalid = new Invalid(batch.position(), "base offset " + batch.header().baseOffset()
                            + " where at least " + expected + " was expected");
                } else {
                    indexBatch(batch.header(), batch.position());
                    onValidBatch.accept(batch.header());
                    expected = batch.header().nextOffset();
                    validEnd = batch.position() + batch.header().sizeInBytes();
                }
            } else if (step instanceof Invalid bad) {
                invalid = bad;
            } else {
                break;
            }
        }
        if (invalid != null) {
            if (isZeroFilled(channel, validEnd, fileSize)) {
                invalid = null;
            }
            channel.truncate(validEnd);
        }
        size = validEnd;
        fileEnd = validEnd;
        nextOffset = expected;
        return Optional.ofNullable(invalid);
    }

    /** True when bytes {@code [from, to)} of the file are all zero; reads in bounded windows. */
    private static boolean isZeroFilled(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer window = ByteBuffer.allocate(SCAN_WINDOW);
        long at = from;
        while (at < to) {
            window.clear().limit((int) Math.min(window.capacity(), to - at));
            int read = channel.read(window, at);
            if (read < 0) {
                return true;
            }
            window.flip();
            while (window.remaining() >= Long.BYTES) {
                if (window.getLong() != 0) {
                    return false;
                }
            }
            while (window.hasRemaining()) {
                if (window.get() != 0) {
                    return false;
                }
            }
            at += read;
        }
        return true;
    }

    /**
     * Removes every batch that reaches {@code offset}, and the preallocated zeros; the segment becomes writable again
     * (indexes rebuilt; the next append preallocates from the new end). The truncation is forced so removed batches
     * cannot reappear after a crash. Returns the new next offset.
     */
    long truncateTo(long offset) throws IOException {
        var scanner = scannerFrom(offset, size);
        Batch first = firstBatchReaching(scanner, offset);
        if (first == null) {
            return nextOffset;
        }
        channel.truncate(first.position());
        channel.force(true);
        recover(BatchScanner.NEVER_VERIFY, header -> { });
        return nextOffset;
    }

    /** Forces the {@code .log} file's data. */
    void flushLog() throws IOException {
        channel.force(false);
    }

    /** Forces the {@code .log} file and both indexes. */
    void flushAll() throws IOException {
        channel.force(false);
        offsetIndex.flush();
        timeIndex.flush();
    }

    /** Renames the files to {@code *.deleted}; open channels (and in-flight {@link LogSlice}s) stay valid. */
    void markDeleted() throws IOException {
        for (String suffix : new String[] {LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX}) {
            Path file = file(suffix);
            if (Files.exists(file)) {
                Files.move(file, file.resolveSibling(file.getFileName() + DELETED_SUFFIX),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Closes the channels and deletes the files, renamed or not. */
    void closeAndDelete() throws IOException {
        close();
        for (String suffix : new String[] {LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX}) {
            Path file = file(suffix);
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + DELETED_SUFFIX));
        }
    }

    /** Deletes the files under their current names (segments dropped while opening, abandoned compaction output). */
    void deleteNow() throws IOException {
        close();
        for (String suffix : new String[] {LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX}) {
            Files.deleteIfExists(file(suffix));
        }
    }

    void close() throws IOException {
        try (channel) {
            offsetIndex.close();
            timeIndex.close();
        }
    }

    private void resetState() {
        size = 0;
        nextOffset = baseOffset;
        maxTimestamp = new TimestampOffset(-1, baseOffset);
        firstBatchTimestamp = -1;
        bytesSinceLastIndexEntry = 0;
    }

    @Override
    public String toString() {
        return "LogSegment(" + file() + ", size=" + size + ", offsets=[" + baseOffset + ", " + nextOffset + "))";
    }
}
