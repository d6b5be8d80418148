package io.chronik.kafka.group;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStateMachine;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.ReplicaPlacement;
import io.chronik.metadata.TopicImage;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates {@code __consumer_offsets} on first use, as Kafka does: compacted, {@code partitions} partitions, replicated
 * on {@code replicationFactor} brokers (the cluster's {@code replication_factor}). While fewer brokers are alive the
 * topic is not created and FindCoordinator answers COORDINATOR_NOT_AVAILABLE, which clients retry — an offsets topic
 * with fewer replicas than the cluster promises would silently weaken the durability of every group.
 */
final class OffsetsTopic {

    private static final Logger log = LoggerFactory.getLogger(OffsetsTopic.class);

    private final MetadataStore metadata;
    private final int partitions;
    private final int replicationFactor;

    OffsetsTopic(MetadataStore metadata, int partitions, int replicationFactor) {
        this.metadata = metadata;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /** The topic, after creating it if it does not exist yet; empty while it cannot be created. */
    Optional<TopicImage> getOrCreate() {
        MetadataImage image = metadata.current();
        Optional<TopicImage> existing = image.topic(OffsetsTopicLog.TOPIC);
        if (existing.isPresent()) {
            return existing;
        }
        if (image.brokers().size() < replicationFactor) {
            log.warn("Cannot create {} yet: {} broker(s) alive, replication factor {}", OffsetsTopicLog.TOPIC,
                    image.brokers().size(), replicationFactor);
            return Optional.empty();
        }
        var command = new MetadataCommand.CreateTopic(OffsetsTopicLog.TOPIC, MetadataStateMachine.newTopicId(),
                ReplicaPlacement.place(image.brokers().keySet(), 0, partitions, replicationFactor),
                Map.of("cleanup.policy", "compact", "segment.bytes", "104857600"));
        try {
            metadata.submit(command);
            log.info("Created {} with {} partitions, replication factor {}", OffsetsTopicLog.TOPIC, partitions,
                    replicationFactor);
        } catch (ChronikException e) {
            if (e.error() != ErrorCode.TOPIC_ALREADY_EXISTS) {
                log.warn("Cannot create {}: {}", OffsetsTopicLog.TOPIC, e.getMessage());
                return Optional.empty();
            }
        }
        return metadata.current().topic(OffsetsTopicLog.TOPIC);
    }
}
