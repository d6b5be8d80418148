package io.chronik.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Walks the record batches of a segment file in order, from a start position to an end position, through a small
 * buffered window (so a header walk costs one read per window, not per batch). Used by reads (bounded by known
 * positions, so every batch is whole), index rebuilds and crash recovery.
 *
 * <p>Each step validates what recovery needs: at least a header's worth of bytes, a sane batch length that stays
 * within the end position, magic 2, a non-negative last offset delta and, for batches whose last offset is at or
 * after {@code verifyCrcFromOffset}, the CRC-32C of bytes 21..end. Contiguity of offsets is the caller's concern.
 *
 * <p>Thread-safety: not thread-safe; one scanner per walk. The file may grow concurrently (positional reads).
 */
final class BatchScanner {

    /** One step of a walk. */
    sealed interface Step permits Batch, End, Invalid {}

    /** A valid batch starting at {@code position}. */
    record Batch(BatchHeader header, int position) implements Step {}

    /** The walk reached the end position. */
    record End() implements Step {}

    /** The bytes at {@code position} are not a valid batch (torn write, garbage, corruption). */
    record Invalid(int position, String reason) implements Step {}

    static final int MIN_BATCH_LENGTH = BatchHeader.SIZE - BatchHeader.LOG_OVERHEAD;
    static final long NEVER_VERIFY = Long.MAX_VALUE;
    private static final byte MAGIC_V2 = 2;
    private static final End END = new End();

    private final FileChannel channel;
    private final long end;
    private final long verifyCrcFromOffset;
    private final ByteBuffer window;
    private long windowStart;
    private int windowLength;
    private long position;

    BatchScanner(FileChannel channel, long start, long end, int windowSize, long verifyCrcFromOffset) {
        this.channel = channel;
        this.position = start;
        this.end = end;
        this.verifyCrcFromOffset = verifyCrcFromOffset;
        this.window = ByteBuffer.allocate(Math.max(windowSize, BatchHeader.SIZE));
    }

    /** Where the next step starts: after the last valid batch returned. */
    long position() {
        return position;
    }

    Step next() throws IOException {
        if (position >= end) {
            return END;
        }
        if (end - position < BatchHeader.SIZE) {
            return invalid("only " + (end - position) + " bytes left, less than a batch header");
        }
        if (!fill(position, BatchHeader.SIZE)) {
            return invalid("file ends inside a batch header");
        }
        BatchHeader header = BatchHeader.read(window, (int) (position - windowStart));
        if (header.batchLength() < MIN_BATCH_LENGTH) {
            return invalid("batch length " + header.batchLength() + " is below the minimum " + MIN_BATCH_LENGTH);
        }
        if (position + header.sizeInBytes() > end) {
            return invalid("batch of " + header.sizeInBytes() + " bytes extends past the end (torn write)");
        }
        if (header.magic() != MAGIC_V2) {
            return invalid("magic " + header.magic() + " is not 2");
        }
        if (header.lastOffsetDelta() < 0) {
            return invalid("negative last offset delta " + header.lastOffsetDelta());
        }
        if (header.lastOffset() >= verifyCrcFromOffset) {
            int crc = crcOfBatch(header.sizeInBytes());
            if (crc != header.crc()) {
                return invalid(String.format("CRC-32C mismatch (stored %08x, computed %08x)", header.crc(), crc));
            }
        }
        var batch = new Batch(header, (int) position);
        position += header.sizeInBytes();
        return batch;
    }

    private Invalid invalid(String reason) {
        return new Invalid((int) position, reason);
    }

    /** CRC-32C of bytes 21..end of the batch at {@link #position}, streamed through the window. */
    private int crcOfBatch(int size) throws IOException {
        var crc = new CRC32C();
        long from = position + BatchHeader.ATTRIBUTES_OFFSET;
        long to = position + size;
        while (from < to) {
            int chunk = (int) Math.min(to - from, window.capacity());
            if (!fill(from, chunk)) {
                return ~0;
            }
            int at = (int) (from - windowStart);
            crc.update(window.slice(at, chunk));
            from += chunk;
        }
        return (int) crc.getValue();
    }

    /** Makes bytes [at, at+length) available in the window; false when the file ends first. */
    private boolean fill(long at, int length) throws IOException {
        if (at >= windowStart && at + length <= windowStart + windowLength) {
            return true;
        }
        window.clear();
        window.limit((int) Math.min(window.capacity(), Math.max(length, end - at)));
        windowStart = at;
        FileChannels.readFully(channel, window, at); // a short window at the end of the file is fine
        windowLength = window.position();
        return windowLength >= length;
    }
}
