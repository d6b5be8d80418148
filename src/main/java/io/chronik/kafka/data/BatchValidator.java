package io.chronik.kafka.data;

import io.chronik.common.TopicPartition;
import io.chronik.log.BatchHeader;
import io.chronik.metadata.TopicConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ProduceResponseData.BatchIndexAndErrorMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Validates the records of one partition of a Produce request the way Kafka's leader does
 * ({@code ProduceRequest.validateRecords}, {@code UnifiedLog.analyzeAndValidateRecords}, {@code LogValidator}):
 * exactly one magic-v2 batch (no ZSTD before v7), baseOffset 0, size within {@code max.message.bytes}, a valid
 * CRC-32C, {@code lastOffsetDelta + 1 == count > 0}, no control batch, a sequence for idempotent batches, and per
 * record: a key on compacted topics and, on CreateTime topics, a timestamp within
 * [now - {@code message.timestamp.before.max.ms}, now + {@code message.timestamp.after.max.ms}]. The records of an
 * uncompressed batch are read in place by a {@link RecordCursor}, which allocates nothing per record; compressed
 * batches are decompressed for the per-record checks (keys and values skipped).
 *
 * <p>One deliberate difference: Kafka rewrites a batch whose inner record offsets are not 0..n-1 (old clients);
 * Chronik stores batches verbatim and rejects such a batch with INVALID_RECORD. Every client since Kafka 0.11
 * writes 0..n-1.
 */
final class BatchValidator {

    /** The outcome for one partition's records. */
    sealed interface Outcome {
        /** The batch to append (its own buffer, position to limit) and its header as sent. */
        record Valid(ByteBuffer batch, BatchHeader header, boolean transactional) implements Outcome {}

        record Invalid(Errors error, String message, List<BatchIndexAndErrorMessage> recordErrors)
                implements Outcome {
            Invalid(Errors error, String message) {
                this(error, message, List.of());
            }
        }
    }

    private BatchValidator() {
    }

    static Outcome validate(MemoryRecords records, short version, TopicPartition tp, TopicConfig config, long now) {
        if (records == null) {
            return new Outcome.Invalid(Errors.INVALID_RECORD, "Produce request to " + tp + " carries no records");
        }
        try {
            ProduceRequest.validateRecords(version, records);
            MutableRecordBatch batch = records.batches().iterator().next();
            if (batch.sizeInBytes() != records.sizeInBytes()) {
                return new Outcome.Invalid(Errors.CORRUPT_MESSAGE, "The records of " + tp + " are "
                        + records.sizeInBytes() + " bytes but the record batch is " + batch.sizeInBytes());
            }
            if (batch.baseOffset() != 0) {
                return new Outcome.Invalid(Errors.INVALID_RECORD, "The baseOffset of the record batch in the append to "
                        + tp + " should be 0, but it is " + batch.baseOffset());
            }
            if (batch.sizeInBytes() > config.maxMessageBytes()) {
                return new Outcome.Invalid(Errors.MESSAGE_TOO_LARGE, "The record batch size in the append to " + tp
                        + " is " + batch.sizeInBytes() + " bytes which exceeds the maximum configured value of "
                        + config.maxMessageBytes() + ".");
            }
            if (!batch.isValid()) {
                return new Outcome.Invalid(Errors.CORRUPT_MESSAGE, "Record is corrupt (stored crc = "
                        + batch.checksum() + ") in topic partition " + tp + ".");
            }
            Outcome.Invalid batchError = validateBatchHeader(batch, tp);
            if (batchError != null) {
                return batchError;
            }
            ByteBuffer buffer = records.buffer();
            BatchHeader header = BatchHeader.read(buffer);
            Outcome.Invalid recordError = validateRecords(batch, header, buffer, tp, config, now);
            if (recordError != null) {
                return recordError;
            }
            return new Outcome.Valid(buffer, header, batch.isTransactional());
        } catch (ApiException e) {
            return new Outcome.Invalid(Errors.forException(e), e.getMessage());
        } catch (KafkaException e) {
            return new Outcome.Invalid(Errors.CORRUPT_MESSAGE, "Malformed record batch for " + tp + ": "
                    + e.getMessage());
        }
    }

    private static Outcome.Invalid validateBatchHeader(RecordBatch batch, TopicPartition tp) {
        long countFromOffsets = batch.lastOffset() - batch.baseOffset() + 1;
        if (countFromOffsets <= 0) {
            return new Outcome.Invalid(Errors.INVALID_RECORD, "Batch has an invalid offset range: ["
                    + batch.baseOffset() + ", " + batch.lastOffset() + "] in topic partition " + tp);
        }
        Integer count = batch.countOrNull();
        if (count == null || count <= 0) {
            return new Outcome.Invalid(Errors.INVALID_RECORD, "Invalid reported count for record batch: " + count
                    + " in topic partition " + tp);
        }
        if (countFromOffsets != count) {
            return new Outcome.Invalid(Errors.INVALID_RECORD, "Inconsistent batch offset range ["
                    + batch.baseOffset() + ", " + batch.lastOffset() + "] and count of records " + count
                    + " in topic partition " + tp);
        }
        if (batch.isControlBatch()) {
            return new Outcome.Invalid(Errors.INVALID_RECORD,
                    "Clients are not allowed to write control records in topic partition " + tp);
        }
        if (batch.hasProducerId() && batch.baseSequence() < 0) {
            return new Outcome.Invalid(Errors.INVALID_RECORD, "Invalid sequence number " + batch.baseSequence()
                    + " in record batch with producerId " + batch.producerId() + " in topic partition " + tp);
        }
        return null;
    }

    private static Outcome.Invalid validateRecords(MutableRecordBatch batch, BatchHeader header, ByteBuffer buffer,
            TopicPartition tp, TopicConfig config, long now) {
        var errors = new RecordErrors(header.isLogAppendTime(), tp, config, now);
        if (batch.isCompressed()) {
            int index = 0;
            try (CloseableIterator<Record> it = batch.skipKeyValueIterator(BufferSupplier.NO_CACHING)) {
                while (it.hasNext()) {
                    Record record = it.next();
                    if (record.offset() != index) {
                        return offsetsNotSequential(tp, index, record.offset());
                    }
                    errors.check(index, record.hasKey(), record.timestamp(), record);
                    index++;
                }
            }
            if (index != header.recordCount()) {
                throw new InvalidRecordException("Record batch for " + tp + " declares " + header.recordCount()
                        + " records but holds " + index);
            }
        } else {
            var cursor = new RecordCursor(buffer, header.recordCount(), header.baseTimestamp(),
                    header.isLogAppendTime(), header.maxTimestamp());
            for (int index = 0; cursor.hasNext(); index++) {
                cursor.next();
                if (cursor.offsetDelta() != index) {
                    return offsetsNotSequential(tp, index, cursor.offsetDelta());
                }
                errors.check(index, cursor.hasKey(), cursor.timestamp(), cursor);
            }
        }
        return errors.outcome();
    }

    /** The batch's baseOffset is 0 by now, so a record's offset is its offset delta. */
    private static Outcome.Invalid offsetsNotSequential(TopicPartition tp, int index, long offsetDelta) {
        return new Outcome.Invalid(Errors.INVALID_RECORD, "Record " + index + " of the batch for " + tp
                + " has offset delta " + offsetDelta + "; Chronik requires inner offsets 0..n-1");
    }

    /**
     * The per-record errors of one batch, collected the way {@code LogValidator} does: every record is checked and
     * every error reported; a missing key on a compacted topic hides that record's timestamp error.
     */
    private static final class RecordErrors {
        private final boolean logAppendTimeBatch;
        private final TopicPartition tp;
        private final TopicConfig config;
        private final long now;
        private final List<BatchIndexAndErrorMessage> errors = new ArrayList<>(0);
        private boolean timestampError;

        RecordErrors(boolean logAppendTimeBatch, TopicPartition tp, TopicConfig config, long now) {
            this.logAppendTimeBatch = logAppendTimeBatch;
            this.tp = tp;
            this.config = config;
            this.now = now;
        }

        /**
         * Checks record {@code index} (its offset is its index); {@code record} names it in an error message by its
         * {@code toString()}.
         */
        void check(int index, boolean hasKey, long timestamp, Object record) {
            if (config.compact() && !hasKey) {
                errors.add(new BatchIndexAndErrorMessage().setBatchIndex(index).setBatchIndexErrorMessage(
                        "Compacted topic cannot accept message without key in topic partition " + tp));
                return;
            }
            String timestampProblem = timestampProblem(index, timestamp, record);
            if (timestampProblem != null) {
                timestampError = true;
                errors.add(new BatchIndexAndErrorMessage().setBatchIndex(index)
                        .setBatchIndexErrorMessage(timestampProblem));
            }
        }

        private String timestampProblem(long offset, long timestamp, Object record) {
            if (!config.logAppendTime() && timestamp != RecordBatch.NO_TIMESTAMP) {
                long diff = now - timestamp;
                if (diff > config.timestampBeforeMaxMs() || -diff > config.timestampAfterMaxMs()) {
                    return "Timestamp " + timestamp + " of message with offset " + offset
                            + " is out of range. The timestamp should be within ["
                            + (now - config.timestampBeforeMaxMs()) + ", " + (now + config.timestampAfterMaxMs())
                            + "]";
                }
            } else if (logAppendTimeBatch) {
                return "Invalid timestamp type in message " + record
                        + ". Producer should not set timestamp type to LogAppendTime.";
            }
            return null;
        }

        Outcome.Invalid outcome() {
            if (errors.isEmpty()) {
                return null;
            }
            if (timestampError) {
                return new Outcome.Invalid(Errors.INVALID_TIMESTAMP,
                        "One or more records have been rejected due to invalid timestamp", errors);
            }
            return new Outcome.Invalid(Errors.INVALID_RECORD, "One or more records have been rejected due to "
                    + errors.size() + " record errors in total, and only showing the first three errors at most: "
                    + errors.subList(0, Math.min(errors.size(), 3)).stream()
                            .map(BatchIndexAndErrorMessage::batchIndexErrorMessage).toList(), errors);
        }
    }
}
