package io.chronik.kafka.topics;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.config.ServerConfig;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaErrors;
import io.chronik.kafka.KafkaRequest;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.PartitionImage;
import io.chronik.metadata.TopicImage;
import io.chronik.metadata.TopicNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Metadata: brokers, cluster id, controller, and topics with ids, partitions, leaders, leader epochs, replicas and
 * ISR. Unknown topics are created when the client allows it and {@code auto.create.topics.enable} is on (except
 * internal {@code __} names, which their coordinators create); a created topic is returned at once with its leader,
 * since leadership is immediate, rather than with Kafka's transient LEADER_NOT_AVAILABLE.
 */
final class MetadataHandler implements ApiHandler {

    private final MetadataStore metadata;
    private final ServerConfig config;
    private final TopicCreator creator;

    MetadataHandler(MetadataStore metadata, ServerConfig config, TopicCreator creator) {
        this.metadata = metadata;
        this.config = config;
        this.creator = creator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.METADATA;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        MetadataRequestData req = request.bodyAs(MetadataRequestData.class);
        short version = request.apiVersion();
        boolean allTopics = req.topics() == null || (version == 0 && req.topics().isEmpty());
        List<MetadataResponseTopic> topics = new ArrayList<>();
        if (allTopics) {
            metadata.current().topics().values().stream()
                    .sorted((a, b) -> a.name().compareTo(b.name()))
                    .forEach(t -> topics.add(topicResponse(metadata.current(), t, req)));
        } else {
            for (MetadataRequestData.MetadataRequestTopic wanted : req.topics()) {
                topics.add(lookup(wanted, req));
            }
        }
        MetadataImage image = metadata.current();
        MetadataResponseData response = new MetadataResponseData()
                .setThrottleTimeMs(0)
                .setClusterId(image.clusterId())
                .setControllerId(image.controllerId());
        image.brokers().values().stream().sorted((a, b) -> Integer.compare(a.id(), b.id())).forEach(b ->
                response.brokers().add(new MetadataResponseBroker().setNodeId(b.id()).setHost(b.host())
                        .setPort(b.port()).setRack(b.rack())));
        topics.forEach(t -> response.topics().add(t));
        return CompletableFuture.completedFuture(response);
    }

    private MetadataResponseTopic lookup(MetadataRequestData.MetadataRequestTopic wanted, MetadataRequestData req) {
        MetadataImage image = metadata.current();
        Uuid id = wanted.topicId();
        if (id != null && !id.equals(Uuid.ZERO_UUID)) {
            return image.topicById(TopicIds.fromKafka(id)).map(t -> topicResponse(image, t, req))
                    .orElseGet(() -> new MetadataResponseTopic().setTopicId(id).setName(null)
                            .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
        }
        if (wanted.name() == null) {
            return new MetadataResponseTopic().setTopicId(Uuid.ZERO_UUID).setName(null)
                    .setErrorCode(Errors.INVALID_REQUEST.code());
        }
        String name = wanted.name();
        Optional<TopicImage> topic = image.topic(name);
        if (topic.isPresent()) {
            return topicResponse(image, topic.get(), req);
        }
        try {
            TopicNames.validate(name);
        } catch (ChronikException e) {
            return error(name, Errors.INVALID_TOPIC_EXCEPTION);
        }
        if (!req.allowAutoTopicCreation() || !config.kafka().autoCreateTopics() || name.startsWith("__")) {
            return error(name, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        try {
            TopicImage created = creator.create(name, -1, -1, List.of(), Map.of(), false);
            return topicResponse(metadata.current(), created, req);
        } catch (ChronikException e) {
            if (e.error() == ErrorCode.TOPIC_ALREADY_EXISTS) {
                return metadata.current().topic(name).map(t -> topicResponse(metadata.current(), t, req))
                        .orElseGet(() -> error(name, Errors.LEADER_NOT_AVAILABLE));
            }
            return error(name, KafkaErrors.of(e));
        }
    }

    private static MetadataResponseTopic error(String name, Errors error) {
        return new MetadataResponseTopic().setName(name).setErrorCode(error.code()).setIsInternal(false);
    }

    private static MetadataResponseTopic topicResponse(MetadataImage image, TopicImage topic, MetadataRequestData req) {
        MetadataResponseTopic t = new MetadataResponseTopic()
                .setErrorCode(Errors.NONE.code())
                .setName(topic.name())
                .setTopicId(TopicIds.toKafka(topic.id()))
                .setIsInternal(topic.isInternal());
        if (req.includeTopicAuthorizedOperations()) {
            t.setTopicAuthorizedOperations(TopicOperations.ALL);
        }
        for (PartitionImage p : topic.partitions()) {
            List<Integer> offline = p.replicas().stream().filter(r -> !image.brokers().containsKey(r)).toList();
            boolean leaderLive = p.leader() >= 0 && image.brokers().containsKey(p.leader());
            t.partitions().add(new MetadataResponsePartition()
                    .setErrorCode(leaderLive ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                    .setPartitionIndex(p.partition())
                    .setLeaderId(leaderLive ? p.leader() : -1)
                    .setLeaderEpoch(p.leaderEpoch())
                    .setReplicaNodes(new ArrayList<>(p.replicas()))
                    .setIsrNodes(new ArrayList<>(p.isr()))
                    .setOfflineReplicas(new ArrayList<>(offline)));
        }
        return t;
    }
}
