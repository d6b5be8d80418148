package io.chronik.admin;

import io.chronik.config.AdminSettings;
import io.chronik.config.ClusterConfig;
import io.chronik.config.HostPort;
import io.chronik.metadata.MetadataImage;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The nodes the admin API reports and forwards to: the {@code [[peers]]} of a cluster node, or the node itself when
 * standalone (a one-node cluster whose only endpoint is its Kafka address).
 *
 * @param selfId  this node's id
 * @param members every node, sorted by id
 * @param raft    whether the metadata is replicated by Raft (cluster mode); a standalone node is its own controller
 */
public record ClusterMembers(int selfId, List<Member> members, boolean raft) {

    /**
     * One node and its endpoints.
     *
     * @param wal  replication endpoint; empty for a standalone node
     * @param raft Raft endpoint; empty for a standalone node
     */
    public record Member(int id, HostPort kafka, Optional<HostPort> wal, Optional<HostPort> raft) {
    }

    public ClusterMembers {
        members = members.stream().sorted(Comparator.comparingInt(Member::id)).toList();
        if (members.stream().noneMatch(m -> m.id() == selfId)) {
            throw new IllegalArgumentException("node " + selfId + " is not among the members");
        }
    }

    /** The peers of a cluster node. */
    public static ClusterMembers of(ClusterConfig cluster) {
        return new ClusterMembers(cluster.nodeId(), cluster.peers().stream()
                .map(p -> new Member(p.id(), p.kafka(), Optional.of(p.wal()), Optional.of(p.raft())))
                .toList(), true);
    }

    /** A standalone node reachable by Kafka clients at {@code advertisedKafka}. */
    public static ClusterMembers standalone(int nodeId, HostPort advertisedKafka) {
        return new ClusterMembers(nodeId, List.of(new Member(nodeId, advertisedKafka, Optional.empty(),
                Optional.empty())), false);
    }

    public Optional<Member> member(int id) {
        return members.stream().filter(m -> m.id() == id).findFirst();
    }

    /**
     * Where node {@code id}'s admin API is: the address it registered in the metadata ({@code image}), else the
     * {@linkplain #conventionalAdminAddress convention}. Empty when neither is known.
     */
    public Optional<HostPort> adminAddress(int id, MetadataImage image) {
        return image.registeredBroker(id).map(MetadataImage.BrokerInfo::admin)
                .or(() -> conventionalAdminAddress(id));
    }

    /**
     * Where node {@code id}'s admin API is by convention: the host of its {@code kafka} endpoint and port
     * {@code 10000 + id}. Empty when {@code id} is not a member.
     */
    public Optional<HostPort> conventionalAdminAddress(int id) {
        return member(id).map(m -> new HostPort(m.kafka().host(), AdminSettings.conventionalPort(id)));
    }
}
