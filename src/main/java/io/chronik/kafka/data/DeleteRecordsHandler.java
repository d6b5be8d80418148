package io.chronik.kafka.data;

import io.chronik.broker.ReplicaManager;
import io.chronik.common.ChronikException;
import io.chronik.common.TopicPartition;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeleteRecords: advances each partition's log start offset (offset -1 means the high watermark; beyond it is
 * OFFSET_OUT_OF_RANGE) and answers the new low watermark. With one replica the low watermark is the leader's log
 * start offset, so there is nothing to wait for.
 */
final class DeleteRecordsHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(DeleteRecordsHandler.class);

    private final ReplicaManager replicas;

    DeleteRecordsHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_RECORDS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var data = request.bodyAs(DeleteRecordsRequestData.class);
        var response = new DeleteRecordsResponseData();
        for (DeleteRecordsRequestData.DeleteRecordsTopic topic : data.topics()) {
            var topicResult = response.topics().find(topic.name());
            if (topicResult == null) {
                topicResult = new DeleteRecordsTopicResult().setName(topic.name());
                response.topics().add(topicResult);
            }
            for (DeleteRecordsRequestData.DeleteRecordsPartition p : topic.partitions()) {
                var result = new DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex())
                        .setLowWatermark(-1);
                var tp = new TopicPartition(topic.name(), p.partitionIndex());
                try {
                    result.setLowWatermark(replicas.leaderPartition(tp).deleteRecordsBefore(p.offset()));
                } catch (ChronikException e) {
                    result.setErrorCode(e.error().code());
                } catch (IOException e) {
                    log.error("DeleteRecords on {} failed: {}", tp, e.toString());
                    result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
                }
                topicResult.partitions().remove(result);
                topicResult.partitions().add(result);
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
