package io.chronik.kafka.data;

import io.chronik.log.BatchHeader;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.utils.internals.ByteUtils;

/**
 * Reads the records of one uncompressed magic-v2 batch in place, one at a time, without allocating per record: it
 * decodes only the fields validation needs and skips keys, values and headers.
 *
 * <p>Record layout (varints are zigzag, as in Kafka's {@code DefaultRecord}):
 * <pre>
 * varint  length (bytes after this field)
 * int8    attributes
 * varlong timestampDelta
 * varint  offsetDelta
 * varint  keyLength (negative = null key), key bytes
 * varint  valueLength (negative = null value), value bytes
 * varint  headerCount, then per header: varint keyLength (must be >= 0), key bytes, varint valueLength, value bytes
 * </pre>
 *
 * <p>{@link #next()} rejects exactly what kafka-clients' {@code DefaultRecordBatch} record iterator rejects, with the
 * same {@link InvalidRecordException} messages, checked in the same order: a record reaching past the batch, a
 * malformed varint, a negative header count or header key length, a record whose fields do not add up to its length,
 * and bytes left after the last declared record. A record's fields are read against the batch end, not the record's
 * own length, as the iterator does, so a record that overstates its contents fails on the length check after them.
 * One deliberate difference: a malformed record-length varint is {@code "Found invalid record structure"} here,
 * where the iterator lets the raw {@link IllegalArgumentException} escape.
 *
 * <p>Not thread-safe; one cursor per validation.
 */
final class RecordCursor {

    private final ByteBuffer buffer;
    private final int count;
    private final long baseTimestamp;
    private final boolean logAppendTime;
    private final long maxTimestamp;
    private int read;

    private int offsetDelta;
    private long timestamp;
    private int keyLength;
    private int valueLength;

    /**
     * @param batch         the batch from {@code position()} to {@code limit()}, header already validated
     * @param logAppendTime the batch's timestamp type is LogAppendTime: every record's timestamp is then the batch's
     *                      maxTimestamp, as {@code DefaultRecord} reports it
     */
    RecordCursor(ByteBuffer batch, int count, long baseTimestamp, boolean logAppendTime, long maxTimestamp) {
        this.buffer = batch.duplicate();
        this.buffer.position(batch.position() + BatchHeader.SIZE);
        this.count = count;
        this.baseTimestamp = baseTimestamp;
        this.logAppendTime = logAppendTime;
        this.maxTimestamp = maxTimestamp;
    }

    boolean hasNext() {
        return read < count;
    }

    /**
     * Moves to the next record and decodes its fields.
     *
     * @throws InvalidRecordException if the record is malformed, or it is the last one and bytes follow it
     */
    void next() {
        read++;
        int length;
        try {
            length = ByteUtils.readVarint(buffer);
        } catch (BufferUnderflowException e) {
            throw new InvalidRecordException("Incorrect declared batch size, premature EOF reached");
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("Found invalid record structure", e);
        }
        if (buffer.remaining() < length) {
            throw new InvalidRecordException("Invalid record size: expected " + length
                    + " bytes in record payload, but instead the buffer has only " + buffer.remaining()
                    + " remaining bytes.");
        }
        try {
            int start = buffer.position();
            buffer.get(); // attributes: unused by records of magic v2
            long timestampDelta = ByteUtils.readVarlong(buffer);
            timestamp = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
            offsetDelta = ByteUtils.readVarint(buffer);
            keyLength = ByteUtils.readVarint(buffer);
            skip(keyLength);
            valueLength = ByteUtils.readVarint(buffer);
            skip(valueLength);
            skipHeaders();
            if (buffer.position() - start != length) {
                throw new InvalidRecordException("Invalid record size: expected to read " + length
                        + " bytes in record payload, but instead read " + (buffer.position() - start));
            }
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new InvalidRecordException("Found invalid record structure", e);
        }
        if (read == count && buffer.hasRemaining()) {
            throw new InvalidRecordException("Incorrect declared batch size, records still remaining in file");
        }
    }

    private void skipHeaders() {
        int headers = ByteUtils.readVarint(buffer);
        if (headers < 0) {
            throw new InvalidRecordException("Found invalid number of record headers " + headers);
        }
        if (headers > buffer.remaining()) {
            throw new InvalidRecordException("Found invalid number of record headers. " + headers
                    + " is larger than the remaining size of the buffer");
        }
        for (int i = 0; i < headers; i++) {
            int headerKeyLength = ByteUtils.readVarint(buffer);
            if (headerKeyLength < 0) {
                throw new InvalidRecordException("Invalid negative header key size " + headerKeyLength);
            }
            skip(headerKeyLength);
            skip(ByteUtils.readVarint(buffer));
        }
    }

    /** Skips a field of {@code length} bytes; a negative length is a null field. */
    private void skip(int length) {
        if (length >= 0) {
            buffer.position(buffer.position() + length); // past the limit (or overflowed): IllegalArgumentException
        }
    }

    int offsetDelta() {
        return offsetDelta;
    }

    /** The record's timestamp as {@code DefaultRecord.timestamp()} reports it. */
    long timestamp() {
        return timestamp;
    }

    /** Any negative key length is a null key, as kafka-clients reads it. */
    boolean hasKey() {
        return keyLength >= 0;
    }

    /**
     * Describes the current record exactly as {@code DefaultRecord.toString()} does, for error messages; its offset is
     * the offset delta, as the validator reads records only of batches whose baseOffset is 0.
     */
    @Override
    public String toString() {
        return String.format("DefaultRecord(offset=%d, timestamp=%d, key=%d bytes, value=%d bytes)", offsetDelta,
                timestamp, Math.max(keyLength, 0), Math.max(valueLength, 0));
    }
}
