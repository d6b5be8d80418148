package io.chronik.kafka.group;

import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import io.chronik.group.CommittedOffset;
import io.chronik.group.GroupCoordinator;
import io.chronik.group.OffsetCommitRequest;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.TopicImage;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetCommit (v2–10; topic ids from v10). Partitions of unknown topics fail with UNKNOWN_TOPIC_OR_PARTITION
 * (UNKNOWN_TOPIC_ID at v10); the others are committed together and the response waits until they are durable.
 * Group-level rejections (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS, ...)
 * fail every partition; a member's commit to a group that does not exist gets GROUP_ID_NOT_FOUND from v9, as in
 * Kafka, and ILLEGAL_GENERATION before.
 */
final class OffsetCommitHandler implements ApiHandler {

    private final GroupCoordinator coordinator;
    private final MetadataStore metadata;

    OffsetCommitHandler(GroupCoordinator coordinator, MetadataStore metadata) {
        this.coordinator = coordinator;
        this.metadata = metadata;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_COMMIT;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var req = request.bodyAs(OffsetCommitRequestData.class);
        short version = request.apiVersion();
        MetadataImage image = metadata.current();
        var response = new OffsetCommitResponseData();
        Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
        Map<TopicPartition, OffsetCommitResponsePartition> pending = new HashMap<>();
        for (var topic : req.topics()) {
            Optional<TopicImage> t = version >= 10 ? TopicResolver.byId(image, topic.topicId())
                    : image.topic(topic.name());
            var topicResponse = new OffsetCommitResponseTopic().setName(topic.name()).setTopicId(topic.topicId());
            response.topics().add(topicResponse);
            for (var p : topic.partitions()) {
                var pr = new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex());
                topicResponse.partitions().add(pr);
                if (t.isEmpty() || t.get().partition(p.partitionIndex()) == null) {
                    pr.setErrorCode((version >= 10 && t.isEmpty() ? Errors.UNKNOWN_TOPIC_ID
                            : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                    continue;
                }
                var tp = new TopicPartition(t.get().name(), p.partitionIndex());
                offsets.put(tp, new CommittedOffset(p.committedOffset(), p.committedLeaderEpoch(),
                        p.committedMetadata(), 0));
                pending.put(tp, pr);
            }
        }
        if (offsets.isEmpty()) {
            coordinator.checkCoordinator(req.groupId());
            return CompletableFuture.completedFuture(response);
        }
        var commit = new OffsetCommitRequest(req.groupId(), req.memberId(), req.groupInstanceId(),
                req.generationIdOrMemberEpoch(), offsets);
        return coordinator.commitOffsets(commit, version >= 9).thenApply(errors -> {
            for (Map.Entry<TopicPartition, ErrorCode> e : errors.entrySet()) {
                pending.get(e.getKey()).setErrorCode(e.getValue().code());
            }
            return response;
        });
    }
}
