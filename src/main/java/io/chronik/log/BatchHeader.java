package io.chronik.log;

import java.nio.ByteBuffer;

/**
 * The fixed 61-byte header of a magic-v2 record batch, as stored on disk and sent on the wire.
 *
 * <pre>
 * offset size field
 *  0      8   baseOffset            (stamped by the broker)
 *  8      4   batchLength           (bytes after this field)
 * 12      4   partitionLeaderEpoch  (stamped by the broker)
 * 16      1   magic (2)
 * 17      4   crc (CRC-32C of bytes 21..end)
 * 21      2   attributes
 * 23      4   lastOffsetDelta
 * 27      8   baseTimestamp
 * 35      8   maxTimestamp
 * 43      8   producerId
 * 51      2   producerEpoch
 * 53      4   baseSequence
 * 57      4   recordCount
 * </pre>
 * The log reads only this header (to stamp offsets, index and recover); it never parses records.
 */
public record BatchHeader(
        long baseOffset,
        int batchLength,
        int partitionLeaderEpoch,
        byte magic,
        int crc,
        short attributes,
        int lastOffsetDelta,
        long baseTimestamp,
        long maxTimestamp,
        long producerId,
        short producerEpoch,
        int baseSequence,
        int recordCount) {

    public static final int SIZE = 61;
    /** Bytes before the batchLength field counts: baseOffset + batchLength. */
    public static final int LOG_OVERHEAD = 12;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;

    private static final int TRANSACTIONAL_FLAG = 0x10;
    private static final int CONTROL_FLAG = 0x20;
    private static final int LOG_APPEND_TIME_FLAG = 0x08;
    private static final int DELETE_HORIZON_FLAG = 0x40;

    /** Reads the header at {@code buffer.position()} (absolute reads; the buffer's position is not changed). */
    public static BatchHeader read(ByteBuffer buffer) {
        return read(buffer, buffer.position());
    }

    /** Reads the header at absolute index {@code at}. The caller ensures {@link #SIZE} bytes are available. */
    public static BatchHeader read(ByteBuffer b, int at) {
        return new BatchHeader(
                b.getLong(at), b.getInt(at + 8), b.getInt(at + 12), b.get(at + 16), b.getInt(at + 17),
                b.getShort(at + 21), b.getInt(at + 23), b.getLong(at + 27), b.getLong(at + 35), b.getLong(at + 43),
                b.getShort(at + 51), b.getInt(at + 53), b.getInt(at + 57));
    }

    /** Whole batch size in bytes, header included. */
    public int sizeInBytes() {
        return batchLength + LOG_OVERHEAD;
    }

    public long lastOffset() {
        return baseOffset + lastOffsetDelta;
    }

    public long nextOffset() {
        return lastOffset() + 1;
    }

    public boolean isTransactional() {
        return (attributes & TRANSACTIONAL_FLAG) != 0;
    }

    public boolean isControl() {
        return (attributes & CONTROL_FLAG) != 0;
    }

    public boolean isLogAppendTime() {
        return (attributes & LOG_APPEND_TIME_FLAG) != 0;
    }

    /**
     * The time after which compaction may remove this batch's tombstones, or -1. Kafka (KIP-534) sets it, in the
     * baseTimestamp field with attribute bit 6, the first time compaction rewrites a batch that holds a tombstone.
     */
    public long deleteHorizonMs() {
        return (attributes & DELETE_HORIZON_FLAG) != 0 ? baseTimestamp : -1;
    }

    public boolean hasProducerId() {
        return producerId >= 0;
    }

    /** Sequence number of the last record, with Kafka's wrap-around at Integer.MAX_VALUE. */
    public int lastSequence() {
        if (baseSequence < 0) {
            return -1;
        }
        long last = (long) baseSequence + lastOffsetDelta;
        return last > Integer.MAX_VALUE ? (int) (last - Integer.MAX_VALUE - 1) : (int) last;
    }
}
