package io.chronik.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Writes the fields the log owns into a magic-v2 batch before it is appended: base offset and partition leader
 * epoch (outside the CRC), and for LOG_APPEND_TIME the timestamp-type attribute bit and the max timestamp, after
 * which the CRC-32C of bytes 21..end is recomputed. Stateless and thread-safe.
 */
final class BatchStamper {

    private static final int BASE_OFFSET_OFFSET = 0;
    private static final int LEADER_EPOCH_OFFSET = 12;
    private static final int MAX_TIMESTAMP_OFFSET = 35;
    private static final short LOG_APPEND_TIME_FLAG = 0x08;

    private BatchStamper() {
    }

    /**
     * Stamps the batch occupying {@code batch[position, limit)}.
     *
     * @param logAppendTimeMs the broker time for LOG_APPEND_TIME topics, or a negative value to keep CREATE_TIME
     */
    static void stamp(ByteBuffer batch, long baseOffset, int leaderEpoch, long logAppendTimeMs) {
        int start = batch.position();
        batch.putLong(start + BASE_OFFSET_OFFSET, baseOffset);
        batch.putInt(start + LEADER_EPOCH_OFFSET, leaderEpoch);
        if (logAppendTimeMs >= 0) {
            int attributesAt = start + BatchHeader.ATTRIBUTES_OFFSET;
            batch.putShort(attributesAt, (short) (batch.getShort(attributesAt) | LOG_APPEND_TIME_FLAG));
            batch.putLong(start + MAX_TIMESTAMP_OFFSET, logAppendTimeMs);
            batch.putInt(start + BatchHeader.CRC_OFFSET, crcOf(batch));
        }
    }

    /** CRC-32C of bytes 21..end of the batch occupying {@code batch[position, limit)}. */
    static int crcOf(ByteBuffer batch) {
        var crc = new CRC32C();
        crc.update(batch.slice(batch.position() + BatchHeader.ATTRIBUTES_OFFSET,
                batch.remaining() - BatchHeader.ATTRIBUTES_OFFSET));
        return (int) crc.getValue();
    }
}
