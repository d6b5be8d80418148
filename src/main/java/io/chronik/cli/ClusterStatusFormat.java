package io.chronik.cli;

import io.chronik.admin.ClusterStatus;
import io.chronik.admin.ClusterStatus.NodeStatus;
import io.chronik.admin.ClusterStatus.PartitionStatus;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The text of {@code cluster status}, in the cluster guide's format:
 *
 * <pre>
 * Chronik Cluster Status
 * ======================
 *
 * Nodes: 3
 * Leader: Node 1 (elected by Raft)
 *
 * Node Details:
 *   Node 1: kafka=localhost:9092, wal=localhost:9291, raft=localhost:5001
 *
 * Partition Assignments:
 *   my-topic-0: leader=1, replicas=[1, 2, 3], ISR=[1, 2, 3]
 * </pre>
 *
 * A node not registered as a live broker gets {@code (down)} after its line; without a Raft leader the leader line is
 * {@code Leader: none (waiting for quorum)}; a standalone node says {@code Leader: Node 1 (standalone)} and has only
 * a {@code kafka} endpoint; a partition without a leader shows {@code leader=none}. Partitions of internal topics
 * (names starting with {@code __}, such as the 50 of {@code __consumer_offsets}) are listed only when asked for. The
 * partition section is left out when there are no partitions to list, as in the guide's Quick Start.
 */
final class ClusterStatusFormat {

    private ClusterStatusFormat() {
    }

    static String render(ClusterStatus status, boolean includeInternal) {
        var out = new StringBuilder();
        out.append("Chronik Cluster Status\n");
        out.append("======================\n\n");
        out.append("Nodes: ").append(status.nodes().size()).append('\n');
        out.append("Leader: ").append(leader(status)).append("\n\n");
        out.append("Node Details:\n");
        status.nodes().forEach(n -> out.append("  ").append(node(n)).append('\n'));
        List<PartitionStatus> partitions = status.partitions().stream()
                .filter(p -> includeInternal || !p.topic().startsWith("__"))
                .toList();
        if (!partitions.isEmpty()) {
            out.append("\nPartition Assignments:\n");
            partitions.forEach(p -> out.append("  ").append(partition(p)).append('\n'));
        }
        return out.toString();
    }

    private static String leader(ClusterStatus status) {
        if (status.leaderId() == null) {
            return "none (waiting for quorum)";
        }
        return "Node " + status.leaderId() + (status.raft() ? " (elected by Raft)" : " (standalone)");
    }

    private static String node(NodeStatus node) {
        var line = new StringBuilder("Node " + node.id() + ": kafka=" + node.kafka());
        if (node.wal() != null) {
            line.append(", wal=").append(node.wal());
        }
        if (node.raft() != null) {
            line.append(", raft=").append(node.raft());
        }
        if (!node.alive()) {
            line.append(" (down)");
        }
        return line.toString();
    }

    private static String partition(PartitionStatus p) {
        return p.topic() + "-" + p.partition() + ": leader=" + (p.leader() == null ? "none" : p.leader())
                + ", replicas=" + ids(p.replicas()) + ", ISR=" + ids(p.isr());
    }

    private static String ids(List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }
}
