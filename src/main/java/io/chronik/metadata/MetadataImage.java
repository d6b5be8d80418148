package io.chronik.metadata;

import io.chronik.config.HostPort;
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
 * @param adminApiKey  the cluster-wide admin API key, committed once by the controller (empty until then, and always
 *                     empty standalone); a secret, so {@link #toString} leaves it out
 */
public record MetadataImage(
        String clusterId,
        int controllerId,
        Map<Integer, BrokerInfo> brokers,
        Map<String, TopicImage> topics,
        long nextProducerId,
        Map<Integer, BrokerInfo> fencedBrokers,
        String adminApiKey) {

    public MetadataImage {
        brokers = Map.copyOf(brokers);
        topics = Map.copyOf(topics);
        fencedBrokers = Map.copyOf(fencedBrokers);
        adminApiKey = adminApiKey == null ? "" : adminApiKey;
    }

    /** An image without fenced brokers. */
    public MetadataImage(String clusterId, int controllerId, Map<Integer, BrokerInfo> brokers,
            Map<String, TopicImage> topics, long nextProducerId) {
        this(clusterId, controllerId, brokers, topics, nextProducerId, Map.of(), "");
    }

    /** The same image with another controller. */
    public MetadataImage withControllerId(int controller) {
        return controller == controllerId ? this
                : new MetadataImage(clusterId, controller, brokers, topics, nextProducerId, fencedBrokers, adminApiKey);
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

    /** The broker registered with {@code brokerId}, live or fenced. */
    public Optional<BrokerInfo> registeredBroker(int brokerId) {
        BrokerInfo live = brokers.get(brokerId);
        return Optional.ofNullable(live != null ? live : fencedBrokers.get(brokerId));
    }

    /** Like the record's, but never shows the admin API key. */
    @Override
    public String toString() {
        return "MetadataImage[clusterId=" + clusterId + ", controllerId=" + controllerId + ", brokers=" + brokers
                + ", topics=" + topics + ", nextProducerId=" + nextProducerId + ", fencedBrokers=" + fencedBrokers
                + ", adminApiKey=" + (adminApiKey.isEmpty() ? "(none)" : "(set)") + "]";
    }

    /**
     * A broker, the address it advertises to Kafka clients and where its admin API listens ({@code admin}: null when
     * it registered with a version that did not say).
     */
    public record BrokerInfo(int id, String host, int port, String rack, HostPort admin) {

        /** A broker whose admin address is not known. */
        public BrokerInfo(int id, String host, int port, String rack) {
            this(id, host, port, rack, null);
        }
    }
}
