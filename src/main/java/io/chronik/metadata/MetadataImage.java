package io.chronik.metadata;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * An immutable view of the cluster metadata, published to the rest of the node after every committed command.
 * Standalone mode keeps it in a local journal; cluster mode in the Ratis state machine. Same records.
 *
 * @param clusterId    random id fixed when the node (cluster) is first formatted; in a cluster, committed by the
 *                     first Raft leader (empty until then)
 * @param controllerId node id of the controller (the Raft leader, -1 while there is none; the node itself when
 *                     standalone)
 * @param brokers      live brokers by id
 * @param topics       topics by name
 * @param nextProducerId first producer id not yet handed out
 * @param fencedBrokers registered brokers that are not alive (their node stopped answering the controller); they
 *                     keep their replica slots and move back to {@code brokers} when they return
 */
public record MetadataImage(
        String clusterId,
        int controllerId,
        Map<Integer, BrokerInfo> brokers,
        Map<String, TopicImage> topics,
        long nextProducerId,
        Map<Integer, BrokerInfo> fencedBrokers) {

    public MetadataImage {
        brokers = Map.copyOf(brokers);
        topics = Map.copyOf(topics);
        fencedBrokers = Map.copyOf(fencedBrokers);
    }

    /** An image without fenced brokers. */
    public MetadataImage(String clusterId, int controllerId, Map<Integer, BrokerInfo> brokers,
            Map<String, TopicImage> topics, long nextProducerId) {
        this(clusterId, controllerId, brokers, topics, nextProducerId, Map.of());
    }

    /** The same image with another controller. */
    public MetadataImage withControllerId(int controller) {
        return controller == controllerId ? this
                : new MetadataImage(clusterId, controller, brokers, topics, nextProducerId, fencedBrokers);
    }

    /** Whether {@code brokerId} is registered, live or fenced. */
    public boolean isRegistered(int brokerId) {
        return brokers.containsKey(brokerId) || fencedBrokers.containsKey(brokerId);
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
