package io.chronik.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The sparse offset index of one segment ({@code <base offset>.index}): maps a batch's base offset to its byte
 * position in the {@code .log} file. An entry is added for the first batch that starts after at least
 * {@code index.interval.bytes} bytes were appended since the previous entry; the first batch of a segment is
 * implicitly at position 0.
 *
 * <pre>
 * entry (8 bytes, big-endian), repeated; offsets and positions strictly increasing
 *   0  int32  relative offset  (batch base offset - segment base offset)
 *   4  int32  position         (byte position of the batch in the .log file)
 * </pre>
 *
 * <p>Crash behaviour and thread-safety: see {@link IndexFile}.
 */
final class OffsetIndex extends IndexFile {

    static final int ENTRY_SIZE = 8;

    /** A batch's base offset and its byte position in the segment file. */
    record OffsetPosition(long offset, int position) {}

    private final long baseOffset;

    OffsetIndex(Path file, long baseOffset, int maxIndexBytes) throws IOException {
        super(file, ENTRY_SIZE, maxIndexBytes);
        this.baseOffset = baseOffset;
    }

    void append(long offset, int position) {
        ByteBuffer entry = ByteBuffer.allocate(ENTRY_SIZE);
        entry.putInt(0, Math.toIntExact(offset - baseOffset)).putInt(4, position);
        appendEntry(entry);
    }

    /** The last entry with offset {@code <= target}, or the segment start when there is none. */
    OffsetPosition lookup(long target) {
        View v = view();
        int slot = lastSlotAtOrBelow(v, OffsetIndex::relativeOffsetAt, target - baseOffset, false);
        return slot < 0 ? new OffsetPosition(baseOffset, 0) : entry(v, slot);
    }

    /** Removes the entries with offset {@code >= offset}. */
    void truncateTo(long offset) throws IOException {
        View v = view();
        truncateToEntries(lastSlotAtOrBelow(v, OffsetIndex::relativeOffsetAt, offset - baseOffset, true) + 1);
    }

    @Override
    boolean isConsistent(long segmentSize) {
        View v = view();
        if (v.count() == 0) {
            return true;
        }
        OffsetPosition last = entry(v, v.count() - 1);
        return last.offset() > baseOffset && last.position() > 0 && last.position() < segmentSize;
    }

    private OffsetPosition entry(View v, int slot) {
        return new OffsetPosition(baseOffset + relativeOffsetAt(v.buffer(), slot),
                v.buffer().getInt(slot * ENTRY_SIZE + 4));
    }

    private static long relativeOffsetAt(ByteBuffer buffer, int slot) {
        return buffer.getInt(slot * ENTRY_SIZE);
    }
}
