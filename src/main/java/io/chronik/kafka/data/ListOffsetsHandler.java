package io.chronik.kafka.data;

import io.chronik.broker.Partition;
import io.chronik.broker.ReplicaManager;
import io.chronik.common.ChronikException;
import io.chronik.common.TopicPartition;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import io.chronik.log.PartitionLog;
import java.io.IOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ListOffsets (v1+), as Kafka's leader answers it for consumers:
 * <ul>
 *   <li>EARLIEST (-2) and EARLIEST_LOCAL (-4): the log start offset;</li>
 *   <li>LATEST (-1): the high watermark, for both isolation levels (no transactions, so LSO = HW);</li>
 *   <li>MAX_TIMESTAMP (-3): the first record holding the largest timestamp;</li>
 *   <li>LATEST_TIERED (-5) and EARLIEST_PENDING_UPLOAD (-6): offset -1 and epoch -1, Kafka's answer without
 *       tiered storage;</li>
 *   <li>a timestamp: the first record whose timestamp is at or after it (the log finds the batch, the records of
 *       that batch are read to find the record);</li>
 * </ul>
 * A timestamp result at or beyond the high watermark is not reported (offset -1, timestamp -1). Special timestamps
 * newer than the request version allows get UNSUPPORTED_VERSION; a partition listed twice gets INVALID_REQUEST.
 */
final class ListOffsetsHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(ListOffsetsHandler.class);

    private final ReplicaManager replicas;

    ListOffsetsHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_OFFSETS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var data = request.bodyAs(ListOffsetsRequestData.class);
        short version = request.apiVersion();
        Set<TopicPartition> seen = new HashSet<>();
        Set<TopicPartition> duplicates = new HashSet<>();
        data.topics().forEach(t -> t.partitions().forEach(p -> {
            var tp = new TopicPartition(t.name(), p.partitionIndex());
            if (!seen.add(tp)) {
                duplicates.add(tp);
            }
        }));
        var response = new ListOffsetsResponseData();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : data.topics()) {
            var topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            for (ListOffsetsRequestData.ListOffsetsPartition p : topic.partitions()) {
                var tp = new TopicPartition(topic.name(), p.partitionIndex());
                var pr = new ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex())
                        .setTimestamp(-1).setOffset(-1);
                topicResponse.partitions().add(pr);
                if (duplicates.contains(tp)) {
                    pr.setErrorCode(Errors.INVALID_REQUEST.code());
                } else if (!supported(p.timestamp(), version)) {
                    pr.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
                } else {
                    lookUp(tp, p, version, pr);
                }
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private void lookUp(TopicPartition tp, ListOffsetsRequestData.ListOffsetsPartition p, short version,
            ListOffsetsPartitionResponse pr) {
        try {
            Partition partition = replicas.leaderPartition(tp);
            partition.checkLeaderEpoch(p.currentLeaderEpoch());
            Optional<StoredBatch.TimestampAndOffset> found = find(partition, p.timestamp());
            found.ifPresent(f -> {
                pr.setTimestamp(f.timestamp()).setOffset(f.offset());
                if (version >= 4) {
                    pr.setLeaderEpoch(f.leaderEpoch());
                }
            });
        } catch (ChronikException e) {
            pr.setErrorCode(e.error().code());
        } catch (IOException e) {
            log.error("ListOffsets on {} failed: {}", tp, e.toString());
            pr.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
    }

    private static Optional<StoredBatch.TimestampAndOffset> find(Partition partition, long timestamp)
            throws IOException {
        if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP
                || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            return Optional.of(new StoredBatch.TimestampAndOffset(-1, partition.logStartOffset(),
                    partition.epochAtLogStart()));
        }
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
            return Optional.of(new StoredBatch.TimestampAndOffset(-1, partition.highWatermark(),
                    partition.leaderEpoch()));
        }
        if (timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP
                || timestamp == ListOffsetsRequest.EARLIEST_PENDING_UPLOAD_TIMESTAMP) {
            return Optional.of(new StoredBatch.TimestampAndOffset(-1, -1, -1));
        }
        long hw = partition.highWatermark();
        if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
            Optional<PartitionLog.TimestampOffset> batch = partition.batchWithMaxTimestamp();
            return batch.isEmpty() ? Optional.empty()
                    : StoredBatch.recordWithMaxTimestamp(partition, batch.get().offset())
                            .filter(f -> f.offset() < hw);
        }
        if (timestamp < 0) {
            return Optional.empty();
        }
        Optional<PartitionLog.TimestampOffset> batch = partition.batchForTimestamp(timestamp);
        return batch.isEmpty() ? Optional.empty()
                : StoredBatch.firstRecordAtOrAfter(partition, batch.get().offset(), timestamp)
                        .filter(f -> f.offset() < hw);
    }

    /** Kafka's {@code isListOffsetsTimestampUnsupported}: special timestamps need the version that introduced them. */
    private static boolean supported(long timestamp, short version) {
        if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
            return version >= 7;
        }
        if (timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            return version >= 8;
        }
        if (timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
            return version >= 9;
        }
        if (timestamp == ListOffsetsRequest.EARLIEST_PENDING_UPLOAD_TIMESTAMP) {
            return version >= 11;
        }
        return true;
    }
}
