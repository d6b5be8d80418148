package io.chronik.kafka.compaction;

import io.chronik.log.RecordCompactor;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecords.RecordFilter;
import org.apache.kafka.common.record.internal.MemoryRecords.RecordFilter.BatchRetention;
import org.apache.kafka.common.record.internal.MemoryRecords.RecordFilter.BatchRetentionResult;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * The {@link RecordCompactor} over Kafka's record format, with kafka-clients: records are read with
 * {@code RecordBatch.streamingIterator} (any compression) and batches rewritten with {@code MemoryRecords.filterTo},
 * the very rewrite Kafka's log cleaner performs. It keeps offsets, batch boundaries (a rewritten batch keeps its base
 * and last offset), producer id, epoch and sequence, leader epoch, timestamp type and compression, returns an unchanged
 * batch byte for byte, and stamps the delete horizon (KIP-534) on a retained batch with a tombstone that has none.
 *
 * <p>Thread-safe: stateless.
 */
public final class KafkaRecordCompactor implements RecordCompactor {

    @Override
    public void forEachRecord(ByteBuffer batch, Consumer<KeyedRecord> visitor) {
        for (MutableRecordBatch recordBatch : MemoryRecords.readableRecords(batch.slice()).batches()) {
            try (CloseableIterator<Record> records = recordBatch.streamingIterator(BufferSupplier.NO_CACHING)) {
                while (records.hasNext()) {
                    visitor.accept(keyed(records.next()));
                }
            }
        }
    }

    @Override
    public Optional<ByteBuffer> retain(ByteBuffer batch, Predicate<KeyedRecord> keep, boolean keepEmpty,
            long deleteHorizonMs) {
        // filterTo stamps currentTime + deleteRetentionMs as the horizon, which is all it uses them for.
        RecordFilter filter = new RecordFilter(deleteHorizonMs, 0) {
            @Override
            protected BatchRetentionResult checkBatchRetention(RecordBatch recordBatch) {
                return new BatchRetentionResult(keepEmpty ? BatchRetention.RETAIN_EMPTY : BatchRetention.DELETE_EMPTY,
                        false);
            }

            @Override
            protected boolean shouldRetainRecord(RecordBatch recordBatch, Record record) {
                return keep.test(keyed(record));
            }
        };
        ByteBuffer input = batch.slice();
        MemoryRecords.FilterResult result = MemoryRecords.readableRecords(input)
                .filterTo(filter, ByteBuffer.allocate(input.remaining()), BufferSupplier.NO_CACHING, Integer.MAX_VALUE);
        ByteBuffer output = result.outputBuffer().flip();
        return output.hasRemaining() ? Optional.of(output) : Optional.empty();
    }

    private static KeyedRecord keyed(Record record) {
        return new KeyedRecord(record.hasKey() ? record.key().asReadOnlyBuffer() : null, record.offset(),
                !record.hasValue());
    }
}
