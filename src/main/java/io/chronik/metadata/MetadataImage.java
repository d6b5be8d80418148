package io.chronik.metadata;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * An immutable view of the cluster metadata, published to the rest of the node after every committed command.
 * Standalone mode keeps it in a local journal; cluster mode (later) in the Ratis state machine. Same records.
 *
 * @param clusterId    random id fixed when the node (cluster) is first formatted
 * @param controllerId node id of the controller (the Raft leader; the node itself when standalone)
 * @param brokers      live brokers by id
 * @param topics       topics by name
 * @param nextProducerId first producer id not yet handed out
 */
public record MetadataImage(
        String clusterId,
        int controllerId,
        Map<Integer, BrokerInfo> brokers,
        Map<String, TopicImage> topics,
        long nextProducerId) {

    public MetadataImage {
        brokers = Map.copyOf(brokers);
        topics = Map.copyOf(topics);
    }

    public Optional<TopicImage> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    public Optional<TopicImage> topicById(UUID id) {
        return topics.values().stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /** A broker and the address it advertises to Kafka clients. */
    public record BrokerInfo(int id, String host, int port, String rack) {}
}
