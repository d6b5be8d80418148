package io.chronik.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Mechanics shared by the sparse index files ({@link OffsetIndex}, {@link TimeIndex}): fixed-size big-endian
 * entries, no file header, no preallocation, so a written file's length is always its entries.
 *
 * <p>Lifecycle. While the segment is active, its entries live only in a growable heap mirror: appending an entry
 * is a copy into that buffer, never a file write, and lookups never touch the file. The file of an active index is
 * empty (it is truncated to empty when the index is created, recovered or truncated). {@link #seal} writes all
 * entries to the file in one go, from byte 0, and replaces the mirror by a read-only memory map of the now
 * immutable file; it does not force (the caller forces before the recovery point passes the segment).
 * {@link #loadSealed} maps an existing sealed file. Truncation makes a sealed index active (heap-mirrored) again.
 *
 * <p>Crash behaviour: an index is derived data. The index files of the active segment (empty, or stale after a
 * crash that lost a truncation) and of every segment the recovery walks are rebuilt on open; the indexes of a sealed
 * segment are forced before the recovery point passes it, and are sanity-checked when loaded (whole entries, last
 * entry within the segment), else rebuilt.
 *
 * <p>Thread-safety: one writer at a time (the log's append lock) and any number of concurrent readers. The entries
 * and their count are published together as one immutable {@link View}; entries are only ever written beyond the
 * published count, and truncation publishes a fresh buffer, so a reader's view never changes under it.
 */
abstract class IndexFile {

    /** A consistent snapshot of the entries: slots {@code [0, count)} of {@code buffer} are valid. */
    record View(ByteBuffer buffer, int count) {}

    /** Extracts a search key (an offset or a timestamp) from an entry. */
    @FunctionalInterface
    interface SlotKey {
        long key(ByteBuffer buffer, int slot);
    }

    private final Path file;
    private final FileChannel channel;
    private final int entrySize;
    private final int maxEntries;
    private volatile View view;
    private boolean sealed;

    IndexFile(Path file, int entrySize, int maxIndexBytes) throws IOException {
        this.file = file;
        this.entrySize = entrySize;
        this.maxEntries = Math.max(1, maxIndexBytes / entrySize);
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        this.view = new View(ByteBuffer.allocate(0), 0);
    }

    final View view() {
        return view;
    }

    final int entrySize() {
        return entrySize;
    }

    final boolean isFull() {
        return view.count() >= maxEntries;
    }

    final Path file() {
        return file;
    }

    /** Appends one entry ({@code entry} holds exactly {@link #entrySize} bytes) to the heap mirror only. */
    final void appendEntry(ByteBuffer entry) {
        if (sealed) {
            throw new IllegalStateException("index " + file + " is sealed");
        }
        View current = view;
        int count = current.count();
        ByteBuffer buffer = current.buffer();
        if (buffer.capacity() < (count + 1) * entrySize) {
            int capacity = Math.max(64, Math.min(maxEntries, count * 2)) * entrySize;
            buffer = copyOf(buffer, count, Math.max(capacity, (count + 1) * entrySize));
        }
        buffer.put(count * entrySize, entry, entry.position(), entrySize);
        view = new View(buffer, count + 1);
    }

    /**
     * Keeps the first {@code count} entries in a fresh heap mirror and empties the file; the index becomes writable
     * (active) again. The mirror is published before the file shrinks, so a new reader never touches the old map.
     */
    final void truncateToEntries(int count) throws IOException {
        View current = view;
        int keep = Math.min(count, current.count());
        view = new View(copyOf(current.buffer(), keep, Math.max(keep, 64) * entrySize), keep);
        sealed = false;
        channel.truncate(0);
    }

    /**
     * Loads the existing file as a sealed index. Returns false (leaving the index empty and writable) when the file
     * is not a whole number of entries or {@link #isConsistent} rejects it; the caller then rebuilds it.
     */
    final boolean loadSealed(long segmentSize) throws IOException {
        long length = channel.size();
        if (length % entrySize != 0 || length / entrySize > Integer.MAX_VALUE / entrySize) {
            truncateToEntries(0);
            return false;
        }
        int count = (int) (length / entrySize);
        view = new View(channel.map(FileChannel.MapMode.READ_ONLY, 0, length), count);
        sealed = true;
        if (!isConsistent(segmentSize)) {
            truncateToEntries(0);
            return false;
        }
        return true;
    }

    /**
     * Writes the mirror's entries to the file (one positional write from byte 0, cutting any stale longer content),
     * makes the file immutable and replaces the mirror by a read-only map of it. Not forced.
     */
    final void seal() throws IOException {
        if (sealed) {
            return;
        }
        View current = view;
        long length = (long) current.count() * entrySize;
        ByteBuffer entries = current.buffer().duplicate().position(0).limit((int) length);
        long position = 0;
        while (entries.hasRemaining()) {
            position += channel.write(entries, position);
        }
        channel.truncate(length);
        view = new View(channel.map(FileChannel.MapMode.READ_ONLY, 0, length), current.count());
        sealed = true;
    }

    final void flush() throws IOException {
        channel.force(false);
    }

    final void close() throws IOException {
        channel.close();
    }

    /** Renames the file (the open channel stays valid). */
    final void renameTo(Path target) throws IOException {
        Files.move(file, target);
    }

    /**
     * Index of the last slot whose key is {@code <= target} (or {@code < target} when {@code strict}), or -1.
     * Keys are non-decreasing in slot order.
     */
    final int lastSlotAtOrBelow(View v, SlotKey keyOf, long target, boolean strict) {
        int low = 0;
        int high = v.count() - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long key = keyOf.key(v.buffer(), mid);
            if (key < target || (!strict && key == target)) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    /** Sanity check of a loaded sealed index against its segment's file size. */
    abstract boolean isConsistent(long segmentSize);

    private ByteBuffer copyOf(ByteBuffer source, int count, int capacity) {
        ByteBuffer copy = ByteBuffer.allocate(capacity);
        copy.put(0, source, 0, count * entrySize);
        return copy;
    }
}
