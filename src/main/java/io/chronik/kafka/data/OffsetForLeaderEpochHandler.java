package io.chronik.kafka.data;

import io.chronik.broker.Partition;
import io.chronik.broker.ReplicaManager;
import io.chronik.common.ChronikException;
import io.chronik.common.TopicPartition;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * OffsetForLeaderEpoch (KIP-101/KIP-320): the end offset of the requested leader epoch — the start of the next
 * higher epoch, or the log end offset for the latest — or -1/-1 when the log knows no such epoch. The request's
 * current leader epoch is checked first (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH).
 */
final class OffsetForLeaderEpochHandler implements ApiHandler {

    private final ReplicaManager replicas;

    OffsetForLeaderEpochHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var data = request.bodyAs(OffsetForLeaderEpochRequestData.class);
        var response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic : data.topics()) {
            var topicResult = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            response.topics().add(topicResult);
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : topic.partitions()) {
                var result = new EpochEndOffset().setPartition(p.partition()).setLeaderEpoch(-1).setEndOffset(-1);
                topicResult.partitions().add(result);
                try {
                    Partition partition = replicas.leaderPartition(new TopicPartition(topic.topic(), p.partition()));
                    partition.checkLeaderEpoch(p.currentLeaderEpoch());
                    partition.endOffsetForEpoch(p.leaderEpoch()).ifPresent(e ->
                            result.setLeaderEpoch(e.leaderEpoch()).setEndOffset(e.endOffset()));
                } catch (ChronikException e) {
                    result.setErrorCode(e.error().code());
                }
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
