package io.chronik.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The sparse time index of one segment ({@code <base offset>.timeindex}): each entry holds the largest batch max
 * timestamp seen so far in the segment and the base offset of the first batch that reached it. Entries are added
 * together with the offset index entries (only when the timestamp grew), plus one final entry when the segment is
 * sealed, so the last entry of a sealed segment is the segment's largest timestamp.
 *
 * <pre>
 * entry (12 bytes, big-endian), repeated; timestamps strictly increasing, offsets non-decreasing
 *   0  int64  timestamp        (largest batch max timestamp so far, ms)
 *   8  int32  relative offset  (base offset of the batch holding it - segment base offset)
 * </pre>
 *
 * <p>Lookup rule: every batch before an entry's offset has a max timestamp {@code <=} the entry's timestamp, so
 * the scan for the first batch with max timestamp {@code >= t} may start at the last entry whose timestamp is
 * strictly below {@code t}.
 *
 * <p>Crash behaviour and thread-safety: see {@link IndexFile}.
 */
final class TimeIndex extends IndexFile {

    static final int ENTRY_SIZE = 12;

    /** A timestamp and the base offset of the batch that holds it. */
    record TimestampOffset(long timestamp, long offset) {}

    private final long baseOffset;

    TimeIndex(Path file, long baseOffset, int maxIndexBytes) throws IOException {
        super(file, ENTRY_SIZE, maxIndexBytes);
        this.baseOffset = baseOffset;
    }

    /** Appends {@code (timestamp, offset)} when the timestamp is larger than the last entry's. */
    void maybeAppend(long timestamp, long offset) {
        Optional<TimestampOffset> last = lastEntry();
        if (last.isPresent() && timestamp <= last.get().timestamp() || timestamp < 0) {
            return;
        }
        ByteBuffer entry = ByteBuffer.allocate(ENTRY_SIZE);
        entry.putLong(0, timestamp).putInt(8, Math.toIntExact(offset - baseOffset));
        appendEntry(entry);
    }

    Optional<TimestampOffset> lastEntry() {
        View v = view();
        return v.count() == 0 ? Optional.empty() : Optional.of(entry(v, v.count() - 1));
    }

    /** The last entry with a timestamp strictly below {@code timestamp}; empty means "scan from segment start". */
    Optional<TimestampOffset> lookupBefore(long timestamp) {
        View v = view();
        int slot = lastSlotAtOrBelow(v, TimeIndex::timestampAt, timestamp, true);
        return slot < 0 ? Optional.empty() : Optional.of(entry(v, slot));
    }

    /** Removes the entries with offset {@code >= offset}. */
    void truncateTo(long offset) throws IOException {
        View v = view();
        truncateToEntries(lastSlotAtOrBelow(v, TimeIndex::relativeOffsetAt, offset - baseOffset, true) + 1);
    }

    @Override
    boolean isConsistent(long segmentSize) {
        Optional<TimestampOffset> last = lastEntry();
        return last.isEmpty() || last.get().offset() >= baseOffset && last.get().timestamp() >= 0;
    }

    private TimestampOffset entry(View v, int slot) {
        return new TimestampOffset(timestampAt(v.buffer(), slot), baseOffset + relativeOffsetAt(v.buffer(), slot));
    }

    private static long timestampAt(ByteBuffer buffer, int slot) {
        return buffer.getLong(slot * ENTRY_SIZE);
    }

    private static long relativeOffsetAt(ByteBuffer buffer, int slot) {
        return buffer.getInt(slot * ENTRY_SIZE + 8);
    }
}
