package io.chronik.kafka.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chronik.common.TopicPartition;
import io.chronik.config.HostPort;
import io.chronik.config.ServerConfig;
import io.chronik.kafka.data.BatchValidator.Outcome;
import io.chronik.metadata.TopicConfig;
import io.chronik.metadata.TopicConfigs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;
import org.apache.kafka.common.utils.internals.ByteUtils;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchValidator} on hand-made record bytes: each malformed record gets the error the kafka-clients record
 * iterator gave it (the {@link DecodingBatchValidator} oracle), and random valid and corrupted batches get the same
 * outcome from both.
 */
class BatchValidatorTest {

    private static final short PRODUCE_V = 12;
    private static final long NOW = 1_700_000_000_000L;
    private static final ServerConfig SERVER_DEFAULTS = ServerConfig.standalone(Path.of("data"),
            new HostPort("127.0.0.1", 0));
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final TopicConfig PLAIN = config(false, false, Long.MAX_VALUE, Long.MAX_VALUE);
    private static final TopicConfig COMPACTED = config(true, false, Long.MAX_VALUE, Long.MAX_VALUE);

    @Test
    void wellFormedBatchIsValidWithItsHeader() {
        byte[] records = concat(record(0, 0, bytes(3), bytes(100)), record(1, 5, null, bytes(100), bytes(2), null));
        Outcome outcome = validateLikeOracle(batch(records, 2, false, Compression.NONE), PLAIN);
        var valid = assertInstanceOf(Outcome.Valid.class, outcome);
        assertEquals(2, valid.header().recordCount());
    }

    @Test
    void truncatedVarintInsideARecordIsInvalidRecord() {
        // length 3 = attributes + two continuation bytes of the timestamp delta, then the batch ends
        byte[] records = concat(record(0, 0, bytes(1), bytes(1)), varint(3), new byte[] {0, (byte) 0x80, (byte) 0x80});
        assertInvalid(Errors.INVALID_RECORD, "Found invalid record structure", batch(records, 2, false,
                Compression.NONE), PLAIN);
    }

    @Test
    void truncatedLengthVarintIsPrematureEof() {
        byte[] records = concat(record(0, 0, bytes(1), bytes(1)), new byte[] {(byte) 0x80});
        assertInvalid(Errors.INVALID_RECORD, "Incorrect declared batch size, premature EOF reached",
                batch(records, 2, false, Compression.NONE), PLAIN);
    }

    @Test
    void malformedLengthVarintIsInvalidRecordWhereTheIteratorThrewIllegalArgument() {
        byte[] records = concat(record(0, 0, bytes(1), bytes(1)), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, 1});
        MemoryRecords batch = batch(records, 2, false, Compression.NONE);
        assertThrows(IllegalArgumentException.class, () -> DecodingBatchValidator.validate(copy(batch), PRODUCE_V, TP,
                PLAIN, NOW));
        assertEquals(new Outcome.Invalid(Errors.INVALID_RECORD, "Found invalid record structure"),
                BatchValidator.validate(batch, PRODUCE_V, TP, PLAIN, NOW));
    }

    @Test
    void recordLengthPastTheBatchEndIsInvalidRecord() {
        byte[] last = record(1, 0, bytes(1), bytes(10));
        last[0] = varint(40)[0]; // declares 40 body bytes where fewer follow
        assertInvalid(Errors.INVALID_RECORD, "Invalid record size: expected 40 bytes in record payload, but instead "
                + "the buffer has only " + (last.length - 1) + " remaining bytes.", batch(concat(record(0, 0, bytes(1), bytes(1)), last), 2,
                false, Compression.NONE), PLAIN);
    }

    @Test
    void recordLengthBeyondItsFieldsIsInvalidRecord() {
        byte[] first = record(0, 0, bytes(1), bytes(10));
        first[0] = varint(first.length)[0]; // one more than its fields; the next record's length byte follows
        assertInvalid(Errors.INVALID_RECORD, "Invalid record size: expected to read " + first.length + " bytes in "
                + "record payload, but instead read " + (first.length - 1), batch(concat(first, record(1, 0, bytes(1),
                bytes(1))), 2, false, Compression.NONE), PLAIN);
    }

    @Test
    void negativeKeyLengthOtherThanMinusOneIsANullKeyAsKafkaReadsIt() {
        byte[] records = concat(varint(6), new byte[] {0, 0, 0}, varint(-7), varint(-1), varint(0));
        MemoryRecords batch = batch(records, 1, false, Compression.NONE);
        assertInstanceOf(Outcome.Valid.class, validateLikeOracle(batch, PLAIN));
        var keyless = assertInvalid(Errors.INVALID_RECORD, null, batch, COMPACTED);
        assertEquals("Compacted topic cannot accept message without key in topic partition t-0",
                keyless.recordErrors().get(0).batchIndexErrorMessage());
    }

    @Test
    void negativeHeaderKeyLengthIsInvalidRecord() {
        byte[] records = concat(varint(8), new byte[] {0, 0, 0}, varint(-1), varint(-1), varint(1), varint(-2),
                varint(-1));
        assertInvalid(Errors.INVALID_RECORD, "Invalid negative header key size -2",
                batch(records, 1, false, Compression.NONE), PLAIN);
    }

    @Test
    void negativeHeaderCountIsInvalidRecord() {
        byte[] records = concat(varint(6), new byte[] {0, 0, 0}, varint(-1), varint(-1), varint(-3));
        assertInvalid(Errors.INVALID_RECORD, "Found invalid number of record headers -3",
                batch(records, 1, false, Compression.NONE), PLAIN);
    }

    @Test
    void headerCountAboveTheHeadersPresentIsInvalidRecord() {
        byte[] lastRecord = record(0, 0, bytes(1), bytes(1), bytes(2), bytes(2));
        lastRecord[lastRecord.length - 7] = varint(2)[0]; // header count: 2, one header follows
        assertInvalid(Errors.INVALID_RECORD, "Found invalid record structure",
                batch(lastRecord, 1, false, Compression.NONE), PLAIN);

        byte[] first = record(0, 0, bytes(1), bytes(1), bytes(2), bytes(2));
        first[first.length - 7] = varint(2)[0]; // now the second header is read from the next record's bytes
        assertInvalid(Errors.INVALID_RECORD, null, batch(concat(first, record(1, 0, bytes(1), bytes(1))), 2, false,
                Compression.NONE), PLAIN);
    }

    @Test
    void bytesAfterTheLastRecordAreInvalidRecord() {
        byte[] records = concat(record(0, 0, bytes(1), bytes(1)), record(1, 0, bytes(1), bytes(1)), new byte[] {0});
        assertInvalid(Errors.INVALID_RECORD, "Incorrect declared batch size, records still remaining in file",
                batch(records, 2, false, Compression.NONE), PLAIN);
    }

    @Test
    void offsetDeltasOutOfOrderAreInvalidRecord() {
        byte[] records = concat(record(0, 0, bytes(1), bytes(1)), record(2, 0, bytes(1), bytes(1)),
                record(1, 0, bytes(1), bytes(1)));
        assertInvalid(Errors.INVALID_RECORD, "Record 1 of the batch for t-0 has offset delta 2; Chronik requires "
                + "inner offsets 0..n-1", batch(records, 3, false, Compression.NONE), PLAIN);
        assertInvalid(Errors.INVALID_RECORD, "Record 1 of the batch for t-0 has offset delta 2; Chronik requires "
                + "inner offsets 0..n-1", batch(records, 3, false, Compression.gzip().build()), PLAIN);
    }

    @Test
    void timestampsOutOfRangeAreInvalidTimestampPerRecord() {
        TopicConfig bounded = config(false, false, 60_000, 60_000);
        byte[] records = concat(record(0, 0, bytes(1), bytes(1)), record(1, 3_600_000, bytes(1), bytes(1)),
                record(2, -3_600_000, bytes(1), bytes(1)));
        for (Compression compression : new Compression[] {Compression.NONE, Compression.lz4().build()}) {
            var invalid = assertInvalid(Errors.INVALID_TIMESTAMP, null, batch(records, 3, false, compression), bounded);
            assertEquals(2, invalid.recordErrors().size());
            assertEquals(1, invalid.recordErrors().get(0).batchIndex());
            assertEquals(2, invalid.recordErrors().get(1).batchIndex());
        }
    }

    @Test
    void logAppendTimeFromAProducerIsInvalidTimestampNamingTheRecord() {
        TopicConfig logAppendTime = config(false, true, Long.MAX_VALUE, Long.MAX_VALUE);
        var invalid = assertInvalid(Errors.INVALID_TIMESTAMP, null,
                batch(record(0, 0, bytes(4), bytes(9)), 1, true, Compression.NONE), logAppendTime);
        assertEquals("Invalid timestamp type in message DefaultRecord(offset=0, timestamp=" + (NOW + 1) + ", key=4 "
                + "bytes, value=9 bytes). Producer should not set timestamp type to LogAppendTime.",
                invalid.recordErrors().get(0).batchIndexErrorMessage());
    }

    @Test
    void randomBatchesGetTheSameOutcomeAsTheDecodingIterator() {
        var random = new Random(20_240_611L);
        for (int i = 0; i < 20_000; i++) {
            int count = 1 + random.nextInt(8);
            byte[] records = randomRecords(random, count);
            int mutation = random.nextInt(10);
            records = switch (mutation) {
                case 0 -> flipByte(random, records);
                case 1 -> Arrays.copyOf(records, random.nextInt(records.length));
                case 2 -> concat(records, bytes(1 + random.nextInt(3)));
                case 3 -> insertByte(random, records);
                default -> records;
            };
            if (mutation == 4) {
                count += random.nextBoolean() ? 1 : -1;
            }
            Compression compression = random.nextInt(8) == 0 ? Compression.gzip().build() : Compression.NONE;
            TopicConfig config = config(random.nextInt(4) == 0, random.nextInt(6) == 0,
                    random.nextBoolean() ? Long.MAX_VALUE : 60_000, random.nextBoolean() ? Long.MAX_VALUE : 60_000);
            MemoryRecords batch = batch(records, count, random.nextInt(8) == 0, compression);
            Object expected;
            try {
                expected = DecodingBatchValidator.validate(copy(batch), PRODUCE_V, TP, config, NOW);
            } catch (IllegalArgumentException e) {
                expected = new Outcome.Invalid(Errors.INVALID_RECORD, "Found invalid record structure");
            } catch (RuntimeException e) {
                expected = e.getClass();
            }
            Object actual;
            try {
                actual = BatchValidator.validate(batch, PRODUCE_V, TP, config, NOW);
            } catch (RuntimeException e) {
                actual = e.getClass();
            }
            assertEquals(expected, actual, "batch " + i + " (mutation " + mutation + ")");
        }
    }

    private static Outcome validateLikeOracle(MemoryRecords batch, TopicConfig config) {
        Outcome expected = DecodingBatchValidator.validate(copy(batch), PRODUCE_V, TP, config, NOW);
        Outcome actual = BatchValidator.validate(batch, PRODUCE_V, TP, config, NOW);
        assertEquals(expected, actual);
        return actual;
    }

    /** Asserts the error code, the message unless null, and that the decoding iterator's outcome is the same. */
    private static Outcome.Invalid assertInvalid(Errors error, String message, MemoryRecords batch,
            TopicConfig config) {
        var invalid = assertInstanceOf(Outcome.Invalid.class, validateLikeOracle(batch, config));
        assertEquals(error, invalid.error(), invalid.message());
        if (message != null) {
            assertEquals(message, invalid.message());
        }
        return invalid;
    }

    private static byte[] randomRecords(Random random, int count) {
        var out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            int offsetDelta = random.nextInt(40) == 0 ? random.nextInt(count + 1) : i;
            long timestampDelta = switch (random.nextInt(6)) {
                case 0 -> 3_600_000L;
                case 1 -> -3_600_000L;
                case 2 -> -NOW - 1; // NO_TIMESTAMP with the batch's base timestamp
                default -> random.nextInt(1000);
            };
            byte[] key = random.nextInt(5) == 0 ? null : bytes(random.nextInt(20));
            byte[] value = random.nextInt(10) == 0 ? null : bytes(random.nextInt(120));
            byte[][] headers = new byte[random.nextInt(3) * 2][];
            for (int h = 0; h < headers.length; h++) {
                headers[h] = h % 2 == 1 && random.nextBoolean() ? null : bytes(random.nextInt(6));
            }
            out.writeBytes(record(offsetDelta, timestampDelta, key, value, headers));
        }
        return out.toByteArray();
    }

    private static byte[] flipByte(Random random, byte[] records) {
        byte[] copy = records.clone();
        copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        return copy;
    }

    private static byte[] insertByte(Random random, byte[] records) {
        int at = random.nextInt(records.length + 1);
        return concat(Arrays.copyOf(records, at), new byte[] {(byte) random.nextInt(256)},
                Arrays.copyOfRange(records, at, records.length));
    }

    /** One record: {@code headers} alternate key and value (a null value is a null header value). */
    static byte[] record(int offsetDelta, long timestampDelta, byte[] key, byte[] value, byte[]... headers) {
        var body = ByteBuffer.allocate(64 + length(key) + length(value) + Arrays.stream(headers)
                .mapToInt(BatchValidatorTest::length).sum() + 5 * headers.length);
        body.put((byte) 0);
        ByteUtils.writeVarlong(timestampDelta, body);
        ByteUtils.writeVarint(offsetDelta, body);
        putField(body, key);
        putField(body, value);
        ByteUtils.writeVarint(headers.length / 2, body);
        for (byte[] header : headers) {
            putField(body, header);
        }
        body.flip();
        var record = ByteBuffer.allocate(5 + body.remaining());
        ByteUtils.writeVarint(body.remaining(), record);
        record.put(body).flip();
        return Arrays.copyOf(record.array(), record.limit());
    }

    /**
     * A magic-v2 batch (baseOffset 0, baseTimestamp {@code NOW}, maxTimestamp {@code NOW + 1}) around {@code records}
     * as they would be before compression, with a correct CRC, whatever the records hold.
     */
    static MemoryRecords batch(byte[] records, int count, boolean logAppendTime, Compression compression) {
        byte[] payload = compression.type().id == 0 ? records : compress(records, compression);
        var buffer = ByteBuffer.allocate(61 + payload.length);
        buffer.putLong(0L).putInt(49 + payload.length).putInt(-1).put((byte) 2).putInt(0)
                .putShort((short) (compression.type().id | (logAppendTime ? 0x08 : 0))).putInt(count - 1)
                .putLong(NOW).putLong(NOW + 1).putLong(-1L).putShort((short) -1).putInt(-1).putInt(count)
                .put(payload).flip();
        var crc = new CRC32C();
        crc.update(buffer.array(), 21, buffer.limit() - 21);
        buffer.putInt(17, (int) crc.getValue());
        return MemoryRecords.readableRecords(buffer);
    }

    private static byte[] compress(byte[] records, Compression compression) {
        var out = new ByteBufferOutputStream(records.length + 64);
        try (OutputStream compressed = compression.wrapForOutput(out, RecordBatch.MAGIC_VALUE_V2)) {
            compressed.write(records);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        ByteBuffer buffer = out.buffer().flip();
        return Arrays.copyOf(buffer.array(), buffer.limit());
    }

    private static MemoryRecords copy(MemoryRecords records) {
        return MemoryRecords.readableRecords(records.buffer());
    }

    private static void putField(ByteBuffer buffer, byte[] field) {
        if (field == null) {
            ByteUtils.writeVarint(-1, buffer);
        } else {
            ByteUtils.writeVarint(field.length, buffer);
            buffer.put(field);
        }
    }

    private static int length(byte[] field) {
        return field == null ? 0 : field.length;
    }

    static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 'x');
        return bytes;
    }

    private static byte[] varint(int value) {
        var buffer = ByteBuffer.allocate(5);
        ByteUtils.writeVarint(value, buffer);
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static TopicConfig config(boolean compact, boolean logAppendTime, long beforeMaxMs, long afterMaxMs) {
        return TopicConfigs.resolve(Map.of("cleanup.policy", compact ? "compact" : "delete",
                "message.timestamp.type", logAppendTime ? "LogAppendTime" : "CreateTime",
                "message.timestamp.before.max.ms", Long.toString(beforeMaxMs),
                "message.timestamp.after.max.ms", Long.toString(afterMaxMs)), SERVER_DEFAULTS);
    }
}
