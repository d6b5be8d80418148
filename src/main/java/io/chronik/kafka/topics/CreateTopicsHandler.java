package io.chronik.kafka.topics;

import io.chronik.config.ServerConfig;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaErrors;
import io.chronik.kafka.KafkaRequest;
import io.chronik.metadata.ConfigEntry;
import io.chronik.metadata.TopicConfigs;
import io.chronik.metadata.TopicImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * CreateTopics: partitions and replication factor (-1 for the server defaults) or explicit replica assignments,
 * configs, and {@code validateOnly}. Each topic succeeds or fails on its own with Kafka's error code and message; a
 * name given twice fails with INVALID_REQUEST. From v5 a result carries the topic's partitions, replication factor
 * and every config with its source.
 */
final class CreateTopicsHandler implements ApiHandler {

    private final ServerConfig config;
    private final TopicCreator creator;

    CreateTopicsHandler(ServerConfig config, TopicCreator creator) {
        this.config = config;
        this.creator = creator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_TOPICS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        CreateTopicsRequestData req = request.bodyAs(CreateTopicsRequestData.class);
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreatableTopic t : req.topics()) {
            if (!seen.add(t.name())) {
                duplicates.add(t.name());
            }
        }
        CreateTopicsResponseData response = new CreateTopicsResponseData().setThrottleTimeMs(0);
        for (CreatableTopic t : req.topics()) {
            if (response.topics().find(t.name()) != null) {
                continue;
            }
            CreatableTopicResult result = new CreatableTopicResult().setName(t.name());
            try {
                if (duplicates.contains(t.name())) {
                    throw new InvalidRequestException("Create topics request from client `" + request.clientId()
                            + "` contains multiple entries for the following topics: " + t.name());
                }
                TopicImage topic = creator.create(t.name(), t.numPartitions(), t.replicationFactor(),
                        assignments(t), configs(t), req.validateOnly());
                result.setTopicId(TopicIds.toKafka(topic.id()))
                        .setNumPartitions(topic.partitions().size())
                        .setReplicationFactor((short) topic.partitions().get(0).replicas().size());
                if (request.apiVersion() >= 5) {
                    List<CreatableTopicConfigs> configs = new ArrayList<>();
                    for (ConfigEntry e : TopicConfigs.describe(topic.configs(), config)) {
                        configs.add(new CreatableTopicConfigs().setName(e.name()).setValue(e.value())
                                .setReadOnly(e.readOnly()).setIsSensitive(e.sensitive())
                                .setConfigSource(ConfigWire.source(e.source())));
                    }
                    result.setConfigs(configs);
                }
            } catch (RuntimeException e) {
                Errors error = KafkaErrors.of(e);
                result.setErrorCode(error.code()).setErrorMessage(KafkaErrors.message(e));
            }
            response.topics().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private static List<List<Integer>> assignments(CreatableTopic t) {
        if (t.assignments().isEmpty()) {
            return List.of();
        }
        List<CreatableReplicaAssignment> sorted = new ArrayList<>(t.assignments());
        sorted.sort(Comparator.comparingInt(CreatableReplicaAssignment::partitionIndex));
        List<List<Integer>> replicas = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).partitionIndex() != i) {
                throw new InvalidReplicaAssignmentException("Partitions should be 0 to " + (sorted.size() - 1)
                        + " without gaps or duplicates, got partition " + sorted.get(i).partitionIndex());
            }
            replicas.add(List.copyOf(sorted.get(i).brokerIds()));
        }
        return replicas;
    }

    private static Map<String, String> configs(CreatableTopic t) {
        Map<String, String> configs = new HashMap<>();
        for (CreatableTopicConfig c : t.configs()) {
            if (c.value() == null) {
                throw new InvalidConfigurationException(
                        "Null value not supported for topic configs: " + c.name());
            }
            configs.put(c.name(), c.value());
        }
        return configs;
    }
}
