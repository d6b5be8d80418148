package io.chronik.log;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The cleaner's key → latest offset map over the dirty section of a log, in fixed memory (Kafka's
 * {@code SkinnyOffsetMap} idea): a key is stored as its 128-bit MD5 digest in an open-addressing table with linear
 * probing, 24 bytes a slot. Two keys with the same digest would be treated as one (probability ~2^-64 per pair in a
 * table of 2^32 keys, as in Kafka).
 *
 * <p>The map is full at 90 % of its slots; the cleaner then stops adding and cleans only up to the last offset it
 * added ({@link #latestOffset}). Not thread-safe: one per cleaner thread, {@link #clear}ed before each pass.
 */
final class OffsetMap {

    private static final double LOAD_FACTOR = 0.9;

    private final long[] high;
    private final long[] low;
    private final long[] offsets;
    private final int maxEntries;
    private final MessageDigest md5;
    private int size;
    private long latestOffset = -1;

    OffsetMap(int slots) {
        if (slots < 16) {
            throw new IllegalArgumentException("the offset map needs at least 16 slots, got " + slots);
        }
        this.high = new long[slots];
        this.low = new long[slots];
        this.offsets = new long[slots];
        this.maxEntries = (int) (slots * LOAD_FACTOR);
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
        clear();
    }

    void clear() {
        Arrays.fill(offsets, -1);
        size = 0;
        latestOffset = -1;
    }

    boolean isFull() {
        return size >= maxEntries;
    }

    int size() {
        return size;
    }

    /** The largest offset put, or -1. */
    long latestOffset() {
        return latestOffset;
    }

    /** Records {@code offset} as the latest for {@code key}; offsets are put in increasing order. */
    void put(ByteBuffer key, long offset) {
        int slot = slotOf(key, true);
        if (offsets[slot] < 0) {
            size++;
        }
        offsets[slot] = offset;
        latestOffset = Math.max(latestOffset, offset);
    }

    /** The latest offset of {@code key}, or -1 when the dirty section does not hold it. */
    long get(ByteBuffer key) {
        int slot = slotOf(key, false);
        return slot < 0 ? -1 : offsets[slot];
    }

    /** The slot holding {@code key}'s digest, else a free slot (when {@code forInsert}) or -1. */
    private int slotOf(ByteBuffer key, boolean forInsert) {
        md5.update(key.duplicate());
        ByteBuffer digest = ByteBuffer.wrap(md5.digest());
        long digestHigh = digest.getLong(0);
        long digestLow = digest.getLong(8);
        int slot = (int) Long.remainderUnsigned(digestLow, offsets.length);
        while (offsets[slot] >= 0) {
            if (high[slot] == digestHigh && low[slot] == digestLow) {
                return slot;
            }
            slot = slot + 1 == offsets.length ? 0 : slot + 1;
        }
        if (!forInsert) {
            return -1;
        }
        high[slot] = digestHigh;
        low[slot] = digestLow;
        return slot;
    }
}
