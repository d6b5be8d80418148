package io.chronik.kafka.group;

import io.chronik.common.ChronikException;
import io.chronik.common.TopicPartition;
import io.chronik.group.CommittedOffset;
import io.chronik.group.GroupCoordinator;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.TopicImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetFetch (v1–10): one group before v8, several from v8 (each with its own error), topic ids from v10. A null
 * topic list (v2+) asks for every committed offset of the group. A partition without a committed offset answers
 * offset -1. {@code require_stable} (v7+) never finds an unstable offset: offsets only become visible once durable
 * and there are no transactional offset commits (transactions are not implemented).
 */
final class OffsetFetchHandler implements ApiHandler {

    private final GroupCoordinator coordinator;
    private final MetadataStore metadata;

    OffsetFetchHandler(GroupCoordinator coordinator, MetadataStore metadata) {
        this.coordinator = coordinator;
        this.metadata = metadata;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FETCH;
    }

    /** A requested topic: its name (null when its id is unknown), id, and partitions. */
    private record Wanted(String name, Uuid id, List<Integer> partitions) {}

    /** One partition's answer. */
    private record Answer(int partition, long offset, int leaderEpoch, String metadata, short error) {}

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var req = request.bodyAs(OffsetFetchRequestData.class);
        short version = request.apiVersion();
        MetadataImage image = metadata.current();
        if (version < 8) {
            List<Wanted> wanted = null;
            if (req.topics() != null) {
                wanted = new ArrayList<>();
                for (var t : req.topics()) {
                    wanted.add(new Wanted(t.name(), Uuid.ZERO_UUID, t.partitionIndexes()));
                }
            }
            Map<Wanted, List<Answer>> answers = fetch(req.groupId(), wanted, image);
            var response = new OffsetFetchResponseData();
            answers.forEach((t, parts) -> {
                var topic = new OffsetFetchResponseTopic().setName(t.name());
                parts.forEach(a -> topic.partitions().add(new OffsetFetchResponsePartition()
                        .setPartitionIndex(a.partition()).setCommittedOffset(a.offset())
                        .setCommittedLeaderEpoch(a.leaderEpoch()).setMetadata(a.metadata())
                        .setErrorCode(a.error())));
                response.topics().add(topic);
            });
            return CompletableFuture.completedFuture(response);
        }
        var response = new OffsetFetchResponseData();
        for (var group : req.groups()) {
            var groupResponse = new OffsetFetchResponseGroup().setGroupId(group.groupId());
            response.groups().add(groupResponse);
            List<Wanted> wanted = null;
            if (group.topics() != null) {
                wanted = new ArrayList<>();
                for (var t : group.topics()) {
                    String name = version >= 10 ? TopicResolver.byId(image, t.topicId()).map(TopicImage::name)
                            .orElse(null) : t.name();
                    wanted.add(new Wanted(name, t.topicId(), t.partitionIndexes()));
                }
            }
            Map<Wanted, List<Answer>> answers;
            try {
                answers = fetch(group.groupId(), wanted, image);
            } catch (ChronikException e) {
                groupResponse.setErrorCode(Errors.forCode(e.error().code()).code());
                continue;
            }
            answers.forEach((t, parts) -> {
                var topic = new OffsetFetchResponseTopics().setName(t.name() == null ? "" : t.name())
                        .setTopicId(t.id());
                parts.forEach(a -> topic.partitions().add(new OffsetFetchResponsePartitions()
                        .setPartitionIndex(a.partition()).setCommittedOffset(a.offset())
                        .setCommittedLeaderEpoch(a.leaderEpoch()).setMetadata(a.metadata())
                        .setErrorCode(a.error())));
                groupResponse.topics().add(topic);
            });
        }
        return CompletableFuture.completedFuture(response);
    }

    private Map<Wanted, List<Answer>> fetch(String groupId, List<Wanted> wanted, MetadataImage image) {
        Map<Wanted, List<Answer>> answers = new LinkedHashMap<>();
        if (wanted == null) {
            Map<String, List<Answer>> byTopic = new LinkedHashMap<>();
            coordinator.fetchOffsets(groupId, null).entrySet().stream()
                    .filter(e -> image.topic(e.getKey().topic()).isPresent())
                    .sorted(Map.Entry.comparingByKey((a, b) -> a.topic().equals(b.topic())
                            ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic())))
                    .forEach(e -> byTopic.computeIfAbsent(e.getKey().topic(), t -> new ArrayList<>())
                            .add(answer(e.getKey().partition(), e.getValue())));
            byTopic.forEach((topic, parts) -> answers.put(
                    new Wanted(topic, TopicResolver.idOf(image, topic), List.of()), parts));
            return answers;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (Wanted w : wanted) {
            if (w.name() != null) {
                w.partitions().forEach(p -> partitions.add(new TopicPartition(w.name(), p)));
            }
        }
        Map<TopicPartition, CommittedOffset> committed = coordinator.fetchOffsets(groupId, partitions);
        for (Wanted w : wanted) {
            List<Answer> parts = new ArrayList<>();
            for (int p : w.partitions()) {
                if (w.name() == null) {
                    parts.add(new Answer(p, -1, -1, "", Errors.UNKNOWN_TOPIC_ID.code()));
                } else {
                    parts.add(answer(p, committed.get(new TopicPartition(w.name(), p))));
                }
            }
            answers.put(w, parts);
        }
        return answers;
    }

    private static Answer answer(int partition, CommittedOffset o) {
        return o == null ? new Answer(partition, -1, -1, "", Errors.NONE.code())
                : new Answer(partition, o.offset(), o.leaderEpoch(), o.metadata(), Errors.NONE.code());
    }
}
