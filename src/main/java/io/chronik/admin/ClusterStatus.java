package io.chronik.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.chronik.config.HostPort;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.PartitionImage;
import io.chronik.metadata.TopicImage;
import java.util.Comparator;
import java.util.List;

/**
 * The body of {@code GET /admin/status}: the cluster as the answering node's replicated metadata image sees it.
 *
 * @param nodeId     the node that answered
 * @param raft       whether the metadata is replicated by Raft (false for a standalone node)
 * @param leaderId   the Raft leader (the controller); null while there is none
 * @param nodes      every configured node, by id
 * @param partitions every partition of every topic (internal ones included), by topic name, then partition
 */
public record ClusterStatus(
        @JsonProperty("node_id") int nodeId,
        @JsonProperty("raft") boolean raft,
        @JsonProperty("leader_id") Integer leaderId,
        @JsonProperty("nodes") List<NodeStatus> nodes,
        @JsonProperty("partitions") List<PartitionStatus> partitions) {

    /**
     * A configured node.
     *
     * @param wal   its replication endpoint, null for a standalone node
     * @param raft  its Raft endpoint, null for a standalone node
     * @param alive whether it is registered as a live broker in the metadata
     * @param admin the admin API address it registered in the metadata, null while it has not registered one
     */
    public record NodeStatus(
            @JsonProperty("id") int id,
            @JsonProperty("kafka") String kafka,
            @JsonProperty("wal") String wal,
            @JsonProperty("raft") String raft,
            @JsonProperty("alive") boolean alive,
            @JsonProperty("admin") String admin) {
    }

    /** A partition's placement; {@code leader} is null while it has none. */
    public record PartitionStatus(
            @JsonProperty("topic") String topic,
            @JsonProperty("partition") int partition,
            @JsonProperty("leader") Integer leader,
            @JsonProperty("replicas") List<Integer> replicas,
            @JsonProperty("isr") List<Integer> isr) {
    }

    public ClusterStatus {
        nodes = List.copyOf(nodes);
        partitions = List.copyOf(partitions);
    }

    /** The status of {@code members} as {@code image} records it. */
    public static ClusterStatus of(ClusterMembers members, MetadataImage image) {
        List<NodeStatus> nodes = members.members().stream()
                .map(m -> new NodeStatus(m.id(), m.kafka().toString(),
                        m.wal().map(HostPort::toString).orElse(null), m.raft().map(HostPort::toString).orElse(null),
                        image.brokers().containsKey(m.id()),
                        image.registeredBroker(m.id()).map(MetadataImage.BrokerInfo::admin)
                                .map(HostPort::toString).orElse(null)))
                .toList();
        List<PartitionStatus> partitions = image.topics().values().stream()
                .sorted(Comparator.comparing(TopicImage::name))
                .flatMap(t -> t.partitions().stream()
                        .sorted(Comparator.comparingInt(PartitionImage::partition))
                        .map(p -> new PartitionStatus(t.name(), p.partition(), p.leader() < 0 ? null : p.leader(),
                                p.replicas(), p.isr())))
                .toList();
        return new ClusterStatus(members.selfId(), members.raft(), leaderOf(image), nodes, partitions);
    }

    /** The controller of {@code image}, or null when there is none. */
    static Integer leaderOf(MetadataImage image) {
        return image.controllerId() < 0 ? null : image.controllerId();
    }
}
