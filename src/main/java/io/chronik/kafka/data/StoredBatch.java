package io.chronik.kafka.data;

import io.chronik.broker.Partition;
import io.chronik.log.LogSlice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Optional;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Reads one stored batch back through kafka-clients to look at its records — the refinement ListOffsets needs,
 * since the log indexes whole batches only.
 */
final class StoredBatch {

    /** A record's timestamp and offset, with the leader epoch of its batch. */
    record TimestampAndOffset(long timestamp, long offset, int leaderEpoch) {}

    private StoredBatch() {
    }

    /** The batch containing {@code offset}, read into memory. */
    static Optional<MutableRecordBatch> at(Partition partition, long offset) throws IOException {
        LogSlice slice = partition.read(offset, 1, true).slice();
        if (slice.isEmpty()) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.allocate(slice.sizeInBytes());
        while (buffer.hasRemaining()) {
            if (slice.channel().read(buffer, slice.position() + buffer.position()) < 0) {
                break;
            }
        }
        buffer.flip();
        Iterator<MutableRecordBatch> batches = MemoryRecords.readableRecords(buffer).batches().iterator();
        return batches.hasNext() ? Optional.of(batches.next()) : Optional.empty();
    }

    /** The first record of the batch at {@code batchOffset} whose timestamp is at or after {@code timestamp}. */
    static Optional<TimestampAndOffset> firstRecordAtOrAfter(Partition partition, long batchOffset, long timestamp)
            throws IOException {
        Optional<MutableRecordBatch> batch = at(partition, batchOffset);
        if (batch.isEmpty()) {
            return Optional.empty();
        }
        MutableRecordBatch b = batch.get();
        try (CloseableIterator<Record> records = b.skipKeyValueIterator(BufferSupplier.NO_CACHING)) {
            while (records.hasNext()) {
                Record r = records.next();
                long ts = b.timestampType() == TimestampType.LOG_APPEND_TIME ? b.maxTimestamp() : r.timestamp();
                if (ts >= timestamp) {
                    return Optional.of(new TimestampAndOffset(ts, r.offset(), b.partitionLeaderEpoch()));
                }
            }
        }
        return Optional.empty();
    }

    /** The first record of the batch at {@code batchOffset} that holds the batch's max timestamp. */
    static Optional<TimestampAndOffset> recordWithMaxTimestamp(Partition partition, long batchOffset)
            throws IOException {
        Optional<MutableRecordBatch> batch = at(partition, batchOffset);
        if (batch.isEmpty()) {
            return Optional.empty();
        }
        MutableRecordBatch b = batch.get();
        if (b.timestampType() == TimestampType.LOG_APPEND_TIME) {
            return Optional.of(new TimestampAndOffset(b.maxTimestamp(), b.baseOffset(), b.partitionLeaderEpoch()));
        }
        try (CloseableIterator<Record> records = b.skipKeyValueIterator(BufferSupplier.NO_CACHING)) {
            while (records.hasNext()) {
                Record r = records.next();
                if (r.timestamp() == b.maxTimestamp()) {
                    return Optional.of(new TimestampAndOffset(r.timestamp(), r.offset(), b.partitionLeaderEpoch()));
                }
            }
        }
        return Optional.empty();
    }
}
