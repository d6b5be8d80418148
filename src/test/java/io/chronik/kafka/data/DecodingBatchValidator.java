package io.chronik.kafka.data;

import io.chronik.common.TopicPartition;
import io.chronik.kafka.data.BatchValidator.Outcome;
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
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * The produce validation of Chronik before {@link RecordCursor}: identical to {@link BatchValidator} except that it
 * reads uncompressed records through kafka-clients' {@code DefaultRecordBatch} iterator, which allocates a record and
 * key/value/header slices per record. Kept as the oracle {@link BatchValidatorTest} compares the in-place walk with.
 */
final class DecodingBatchValidator {

    private DecodingBatchValidator() {
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
            Outcome.Invalid recordError = validateRecords(batch, tp, config, now);
            if (recordError != null) {
                return recordError;
            }
            ByteBuffer buffer = records.buffer();
            return new Outcome.Valid(buffer, BatchHeader.read(buffer), batch.isTransactional());
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

    private static Outcome.Invalid validateRecords(MutableRecordBatch batch, TopicPartition tp, TopicConfig config,
            long now) {
        List<BatchIndexAndErrorMessage> errors = new ArrayList<>(0);
        boolean timestampError = false;
        int index = 0;
        try (CloseableIterator<Record> it = batch.isCompressed()
                ? batch.skipKeyValueIterator(BufferSupplier.NO_CACHING)
                : batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (it.hasNext()) {
                Record record = it.next();
                if (record.offset() != batch.baseOffset() + index) {
                    return new Outcome.Invalid(Errors.INVALID_RECORD, "Record " + index + " of the batch for " + tp
                            + " has offset delta " + (record.offset() - batch.baseOffset())
                            + "; Chronik requires inner offsets 0..n-1");
                }
                String keyError = config.compact() && !record.hasKey()
                        ? "Compacted topic cannot accept message without key in topic partition " + tp : null;
                String timestampProblem = keyError == null ? timestampProblem(batch, record, config, now) : null;
                if (keyError != null || timestampProblem != null) {
                    timestampError |= timestampProblem != null;
                    errors.add(new BatchIndexAndErrorMessage().setBatchIndex(index)
                            .setBatchIndexErrorMessage(keyError != null ? keyError : timestampProblem));
                }
                index++;
            }
        }
        if (index != batch.countOrNull()) {
            throw new InvalidRecordException("Record batch for " + tp + " declares " + batch.countOrNull()
                    + " records but holds " + index);
        }
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

    private static String timestampProblem(RecordBatch batch, Record record, TopicConfig config, long now) {
        if (!config.logAppendTime() && record.timestamp() != RecordBatch.NO_TIMESTAMP) {
            long diff = now - record.timestamp();
            if (diff > config.timestampBeforeMaxMs() || -diff > config.timestampAfterMaxMs()) {
                return "Timestamp " + record.timestamp() + " of message with offset " + record.offset()
                        + " is out of range. The timestamp should be within [" + (now - config.timestampBeforeMaxMs())
                        + ", " + (now + config.timestampAfterMaxMs()) + "]";
            }
        } else if (batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
            return "Invalid timestamp type in message " + record
                    + ". Producer should not set timestamp type to LogAppendTime.";
        }
        return null;
    }
}
