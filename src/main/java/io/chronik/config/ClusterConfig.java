package io.chronik.config;

import java.util.List;

/**
 * Cluster membership of a node started with {@code enabled = true}: its own id and the {@code [[peers]]} list, which
 * is identical on every node and includes the node itself. Validated by {@link ServerConfigLoader}: ids are unique
 * and within 1-255, every address is a distinct host:port, and {@code nodeId} is one of the peers. The cluster-wide
 * replication defaults ({@code replication_factor}, {@code min_insync_replicas}) live in
 * {@link ServerConfig.KafkaSettings}.
 *
 * @param nodeId this node's id
 * @param peers  all nodes of the cluster, in file order
 * @param raft   this node's Raft server settings ({@code [raft]} table)
 */
public record ClusterConfig(int nodeId, List<Peer> peers, RaftSettings raft) {

    /**
     * One node of the cluster as written in a {@code [[peers]]} table.
     *
     * @param id    node id (1-255)
     * @param kafka where Kafka clients reach the node; also the address it advertises to them
     * @param wal   where other nodes send partition replication traffic
     * @param raft  where other nodes reach its Raft (cluster metadata) server
     */
    public record Peer(int id, HostPort kafka, HostPort wal, HostPort raft) {
    }

    public ClusterConfig {
        peers = List.copyOf(peers);
        if (peers.stream().noneMatch(p -> p.id() == nodeId)) {
            throw new IllegalArgumentException("node " + nodeId + " is not among the peers");
        }
    }

    /** Membership with the default Raft settings (binding all interfaces on the node's own raft port). */
    public ClusterConfig(int nodeId, List<Peer> peers) {
        this(nodeId, peers, RaftSettings.defaults(
                peers.stream().filter(p -> p.id() == nodeId).findFirst().map(p -> p.raft().port()).orElse(0)));
    }

    /** This node's own {@code [[peers]]} entry. */
    public Peer self() {
        return peers.stream().filter(p -> p.id() == nodeId).findFirst().orElseThrow();
    }
}
