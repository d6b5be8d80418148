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
 * @param walBind address this node's WAL (replication) listener binds: all interfaces on the node's own {@code wal}
 *               port unless {@code [wal] bind} says otherwise
 */
public record ClusterConfig(int nodeId, List<Peer> peers, RaftSettings raft, HostPort walBind) {

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

    /** Membership with the default WAL bind: all interfaces on the node's own wal port. */
    public ClusterConfig(int nodeId, List<Peer> peers, RaftSettings raft) {
        this(nodeId, peers, raft, defaultWalBind(nodeId, peers));
    }

    /** All interfaces on the {@code wal} port of node {@code nodeId}'s peer entry. */
    public static HostPort defaultWalBind(int nodeId, List<Peer> peers) {
        return new HostPort("0.0.0.0",
                peers.stream().filter(p -> p.id() == nodeId).findFirst().map(p -> p.wal().port()).orElse(0));
    }

    /** This membership with another WAL bind address. */
    public ClusterConfig withWalBind(HostPort bind) {
        return new ClusterConfig(nodeId, peers, raft, bind);
    }

    /** This node's own {@code [[peers]]} entry. */
    public Peer self() {
        return peers.stream().filter(p -> p.id() == nodeId).findFirst().orElseThrow();
    }
}
