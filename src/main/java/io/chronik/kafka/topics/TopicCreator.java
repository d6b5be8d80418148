package io.chronik.kafka.topics;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.config.ServerConfig;
import io.chronik.metadata.MetadataCommand.CreateTopic;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStateMachine;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.ReplicaPlacement;
import io.chronik.metadata.TopicConfigs;
import io.chronik.metadata.TopicImage;
import io.chronik.metadata.TopicNames;
import java.util.List;
import java.util.Map;

/**
 * Creates topics for CreateTopics and Metadata auto-creation: fills in the -1 defaults (num.partitions, default
 * replication factor), places replicas unless given, validates everything against the current image, and commits.
 * Thread-safe.
 */
final class TopicCreator {

    private final MetadataStore metadata;
    private final ServerConfig config;

    TopicCreator(MetadataStore metadata, ServerConfig config) {
        this.metadata = metadata;
        this.config = config;
    }

    /**
     * Plans (and unless {@code validateOnly}, commits) a topic.
     *
     * @param partitions        -1 for the server default
     * @param replicationFactor -1 for the server default
     * @param assignments       explicit replicas per partition, or empty to place them
     * @return the topic as created (or as it would be created)
     * @throws ChronikException with the precise error when the topic cannot be created
     */
    TopicImage create(String name, int partitions, int replicationFactor, List<List<Integer>> assignments,
            Map<String, String> configs, boolean validateOnly) {
        TopicNames.validate(name);
        MetadataImage image = metadata.current();
        if (image.topics().containsKey(name)) {
            throw new ChronikException(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        List<List<Integer>> replicas;
        if (!assignments.isEmpty()) {
            if (partitions != -1 || replicationFactor != -1) {
                throw new ChronikException(ErrorCode.INVALID_REQUEST, "Both numPartitions or replicationFactor and "
                        + "replicasAssignments were set. Both cannot be used at the same time.");
            }
            replicas = assignments;
        } else {
            int n = partitions == -1 ? config.kafka().defaultPartitions() : partitions;
            int rf = replicationFactor == -1 ? config.kafka().defaultReplicationFactor() : replicationFactor;
            if (n <= 0) {
                throw new ChronikException(ErrorCode.INVALID_PARTITIONS,
                        "Number of partitions was set to an invalid non-positive value.");
            }
            if (rf <= 0) {
                throw new ChronikException(ErrorCode.INVALID_REPLICATION_FACTOR,
                        "Replication factor must be larger than 0, or -1 to use the default value.");
            }
            replicas = ReplicaPlacement.place(image.brokers().keySet(), 0, n, rf);
        }
        TopicConfigs.validate(configs);
        CreateTopic command = new CreateTopic(name, MetadataStateMachine.newTopicId(), replicas, configs);
        MetadataImage after = validateOnly ? MetadataStateMachine.apply(image, command) : metadata.submit(command);
        return after.topic(name).orElseThrow();
    }
}
