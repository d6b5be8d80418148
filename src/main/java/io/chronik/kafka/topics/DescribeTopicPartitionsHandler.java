package io.chronik.kafka.topics;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.PartitionImage;
import io.chronik.metadata.TopicImage;
import io.chronik.metadata.MetadataStore;
import java.util.ArrayList;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeTopicPartitions (kafka-topics 4.x --describe): the requested topics (all when none are named) in name order,
 * with at most {@code min(responsePartitionLimit, 2000)} partitions per response; when more remain, {@code nextCursor}
 * names the topic and partition to continue from. Topics sorting before the cursor's are skipped; unknown requested
 * topics are reported with UNKNOWN_TOPIC_OR_PARTITION. Chronik has no eligible leader replicas (ELR), so those lists
 * are empty.
 */
final class DescribeTopicPartitionsHandler implements ApiHandler {

    static final int MAX_PARTITIONS_PER_RESPONSE = 2000;

    private final MetadataStore metadata;

    DescribeTopicPartitionsHandler(MetadataStore metadata) {
        this.metadata = metadata;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_TOPIC_PARTITIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        DescribeTopicPartitionsRequestData req = request.bodyAs(DescribeTopicPartitionsRequestData.class);
        MetadataImage image = metadata.current();
        TreeSet<String> names = new TreeSet<>();
        if (req.topics().isEmpty()) {
            names.addAll(image.topics().keySet());
        } else {
            req.topics().forEach(t -> names.add(t.name()));
        }
        String cursorTopic = req.cursor() == null ? null : req.cursor().topicName();
        int cursorPartition = req.cursor() == null ? 0 : req.cursor().partitionIndex();
        if (cursorTopic != null && (!names.contains(cursorTopic) || cursorPartition < 0)) {
            throw new ChronikException(ErrorCode.INVALID_REQUEST, "The cursor (" + cursorTopic + ", "
                    + cursorPartition + ") does not name a requested topic and partition");
        }
        int budget = Math.min(Math.max(req.responsePartitionLimit(), 1), MAX_PARTITIONS_PER_RESPONSE);
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData().setThrottleTimeMs(0);
        for (String name : cursorTopic == null ? names : names.tailSet(cursorTopic, true)) {
            int first = name.equals(cursorTopic) ? cursorPartition : 0;
            TopicImage topic = image.topics().get(name);
            if (topic == null) {
                response.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name)
                        .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
                continue;
            }
            if (budget == 0) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(first));
                break;
            }
            DescribeTopicPartitionsResponseTopic t = new DescribeTopicPartitionsResponseTopic()
                    .setName(name).setTopicId(TopicIds.toKafka(topic.id())).setIsInternal(topic.isInternal())
                    .setTopicAuthorizedOperations(TopicOperations.ALL);
            int p = first;
            for (; p < topic.partitions().size() && budget > 0; p++, budget--) {
                t.partitions().add(partition(image, topic.partitions().get(p)));
            }
            response.topics().add(t);
            if (p < topic.partitions().size()) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(p));
                break;
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private static DescribeTopicPartitionsResponsePartition partition(MetadataImage image, PartitionImage p) {
        boolean leaderLive = p.leader() >= 0 && image.brokers().containsKey(p.leader());
        return new DescribeTopicPartitionsResponsePartition()
                .setErrorCode(leaderLive ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                .setPartitionIndex(p.partition())
                .setLeaderId(leaderLive ? p.leader() : -1)
                .setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(new ArrayList<>(p.replicas()))
                .setIsrNodes(new ArrayList<>(p.isr()))
                .setEligibleLeaderReplicas(new ArrayList<>())
                .setLastKnownElr(new ArrayList<>())
                .setOfflineReplicas(new ArrayList<>(p.replicas().stream()
                        .filter(r -> !image.brokers().containsKey(r)).toList()));
    }

}
