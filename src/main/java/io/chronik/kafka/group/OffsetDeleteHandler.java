package io.chronik.kafka.group;

import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import io.chronik.group.GroupCoordinator;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetDelete (v0): removes committed offsets of partitions the group does not consume (GROUP_SUBSCRIBED_TO_TOPIC
 * for a topic an active consumer group subscribes to). Unknown topics fail with UNKNOWN_TOPIC_OR_PARTITION; an
 * unknown group with GROUP_ID_NOT_FOUND at the top level.
 */
final class OffsetDeleteHandler implements ApiHandler {

    private final GroupCoordinator coordinator;
    private final MetadataStore metadata;

    OffsetDeleteHandler(GroupCoordinator coordinator, MetadataStore metadata) {
        this.coordinator = coordinator;
        this.metadata = metadata;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_DELETE;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var req = request.bodyAs(OffsetDeleteRequestData.class);
        MetadataImage image = metadata.current();
        var response = new OffsetDeleteResponseData();
        List<TopicPartition> partitions = new ArrayList<>();
        Map<TopicPartition, OffsetDeleteResponsePartition> pending = new HashMap<>();
        for (var topic : req.topics()) {
            var topicResponse = new OffsetDeleteResponseTopic().setName(topic.name());
            response.topics().add(topicResponse);
            boolean known = image.topic(topic.name()).isPresent();
            for (var p : topic.partitions()) {
                var pr = new OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex());
                topicResponse.partitions().add(pr);
                if (!known) {
                    pr.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                var tp = new TopicPartition(topic.name(), p.partitionIndex());
                partitions.add(tp);
                pending.put(tp, pr);
            }
        }
        return coordinator.deleteOffsets(req.groupId(), partitions).thenApply(errors -> {
            for (Map.Entry<TopicPartition, ErrorCode> e : errors.entrySet()) {
                pending.get(e.getKey()).setErrorCode(e.getValue().code());
            }
            return response;
        });
    }
}
