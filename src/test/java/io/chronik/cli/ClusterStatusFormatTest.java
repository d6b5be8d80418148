package io.chronik.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chronik.admin.ClusterStatus;
import io.chronik.admin.ClusterStatus.NodeStatus;
import io.chronik.admin.ClusterStatus.PartitionStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterStatusFormatTest {

    private static NodeStatus node(int id, boolean alive) {
        return new NodeStatus(id, "localhost:" + (9091 + id), "localhost:" + (9290 + id), "localhost:" + (5000 + id),
                alive, "localhost:" + (10000 + id));
    }

    @Test
    void freshClusterIsTheGuidesQuickStartOutput() {
        var status = new ClusterStatus(1, true, 1, List.of(node(1, true), node(2, true), node(3, true)), List.of());
        assertEquals("""
                Chronik Cluster Status
                ======================

                Nodes: 3
                Leader: Node 1 (elected by Raft)

                Node Details:
                  Node 1: kafka=localhost:9092, wal=localhost:9291, raft=localhost:5001
                  Node 2: kafka=localhost:9093, wal=localhost:9292, raft=localhost:5002
                  Node 3: kafka=localhost:9094, wal=localhost:9293, raft=localhost:5003
                """, ClusterStatusFormat.render(status, false));
    }

    @Test
    void partitionsDownNodesAndMissingLeaders() {
        var status = new ClusterStatus(2, true, 2, List.of(node(1, true), node(2, true), node(3, false)), List.of(
                new PartitionStatus("my-topic", 0, 1, List.of(1, 2, 3), List.of(1, 2, 3)),
                new PartitionStatus("my-topic", 1, 2, List.of(2, 3, 1), List.of(2, 1)),
                new PartitionStatus("my-topic", 2, null, List.of(3, 1, 2), List.of())));
        assertEquals("""
                Chronik Cluster Status
                ======================

                Nodes: 3
                Leader: Node 2 (elected by Raft)

                Node Details:
                  Node 1: kafka=localhost:9092, wal=localhost:9291, raft=localhost:5001
                  Node 2: kafka=localhost:9093, wal=localhost:9292, raft=localhost:5002
                  Node 3: kafka=localhost:9094, wal=localhost:9293, raft=localhost:5003 (down)

                Partition Assignments:
                  my-topic-0: leader=1, replicas=[1, 2, 3], ISR=[1, 2, 3]
                  my-topic-1: leader=2, replicas=[2, 3, 1], ISR=[2, 1]
                  my-topic-2: leader=none, replicas=[3, 1, 2], ISR=[]
                """, ClusterStatusFormat.render(status, false));
    }

    @Test
    void internalTopicsOnlyWhenAskedFor() {
        var status = new ClusterStatus(1, true, 1, List.of(node(1, true)), List.of(
                new PartitionStatus("__consumer_offsets", 0, 1, List.of(1), List.of(1))));
        assertEquals(false, ClusterStatusFormat.render(status, false).contains("Partition Assignments"));
        assertEquals(true, ClusterStatusFormat.render(status, true).endsWith("""

                Partition Assignments:
                  __consumer_offsets-0: leader=1, replicas=[1], ISR=[1]
                """));
    }

    @Test
    void noLeaderSaysWaitingForQuorum() {
        var status = new ClusterStatus(1, true, null, List.of(node(1, true), node(2, false)), List.of());
        assertEquals("Leader: none (waiting for quorum)", ClusterStatusFormat.render(status, false).lines()
                .filter(l -> l.startsWith("Leader:")).findFirst().orElseThrow());
    }
}
