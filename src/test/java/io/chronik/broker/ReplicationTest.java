package io.chronik.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.common.ErrorCode;
import io.chronik.log.BatchHeader;
import io.chronik.log.ReplicationOffsetCheckpoint;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication between three in-process replica managers over real WAL sockets: HW, acks, ISR shrink/expand,
 * catch-up across segments, min.insync.replicas, and KIP-101 truncation of a returning former leader.
 */
class ReplicationTest {

    @TempDir
    Path dir;

    private InProcessReplicas cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ErrorCode produce(Partition leader, ByteBuffer batch, short acks) {
        var result = leader.append(batch, BatchHeader.read(batch), acks);
        if (result instanceof ProduceResult.Rejected r) {
            return r.error();
        }
        var a = assertInstanceOf(ProduceResult.Appended.class, result);
        return leader.awaitAcks(a.lastOffset() + 1, acks, 10_000).join();
    }

    private void assertReplicasIdentical(int partition, List<Integer> nodes) throws Exception {
        Partition leader = cluster.replica(cluster.image(partition).leader(), partition);
        long hw = leader.highWatermark();
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes.stream()
                .allMatch(n -> cluster.replica(n, partition).highWatermark() >= hw));
        byte[] expected = InProcessReplicas.logBytes(leader, hw);
        for (int n : nodes) {
            assertArrayEquals(expected, InProcessReplicas.logBytes(cluster.replica(n, partition), hw),
                    "replica on node " + n + " differs below the HW " + hw);
        }
    }

    @Test
    void acksAllCompletesWhenEveryIsrMemberHasTheBatchAndReplicasAreByteIdentical() throws Exception {
        cluster = new InProcessReplicas(dir, 3, 10_000, 2);
        cluster.createTopic(1, Map.of());
        await().until(() -> cluster.replica(1, 0).isLeader());
        Partition leader = cluster.replica(1, 0);
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long start = System.nanoTime();
            assertEquals(ErrorCode.NONE, produce(leader, InProcessReplicas.batch(i * 5, 5), (short) -1));
            latencies.add((System.nanoTime() - start) / 1000);
            long end = leader.logEndOffset();
            assertTrue(leader.highWatermark() >= end);
            for (int n = 2; n <= 3; n++) {
                assertTrue(cluster.replica(n, 0).durableEndOffset() >= end, "acked before node " + n + " had it");
            }
        }
        latencies.sort(Long::compare);
        System.out.printf("acks=all latency (pull, in-process): p50 %d us, p99 %d us%n",
                latencies.get(latencies.size() / 2), latencies.get(latencies.size() * 99 / 100));
        assertEquals(1000, leader.highWatermark());
        assertReplicasIdentical(0, List.of(1, 2, 3));
        assertEquals(IntStream.range(0, 1000).mapToObj(i -> "v-" + i).toList(),
                InProcessReplicas.values(cluster.replica(3, 0), 1000));
    }

    @Test
    void controlledShutdownMovesLeadershipAndLeavesTheIsrsAtOnce() throws Exception {
        cluster = new InProcessReplicas(dir, 3, 30_000, 2);
        cluster.createTopic(3, Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> IntStream.range(0, 3)
                .allMatch(p -> cluster.replica(p + 1, p).isLeader()));
        int epoch = cluster.image(0).leaderEpoch();

        cluster.node(1).controlledShutdown(Duration.ofSeconds(5));
        // No fence, no lag timeout (30 s): the changes are committed before controlledShutdown returns.
        assertEquals(2, cluster.image(0).leader(), "partition 0 (replicas 1,2,3) moves to the next ISR member");
        assertEquals(epoch + 1, cluster.image(0).leaderEpoch());
        assertEquals(List.of(2, 3), cluster.image(0).isr());
        assertEquals(List.of(2, 3), cluster.image(1).isr());
        assertEquals(List.of(3, 2), cluster.image(2).isr());
        cluster.stop(1);

        await().until(() -> cluster.replica(2, 0).isLeader());
        assertEquals(ErrorCode.NONE, produce(cluster.replica(2, 0), InProcessReplicas.batch(0, 1), (short) -1),
                "acks=all with min.insync.replicas=2 at once on the new leader");
    }

    @Test
    void restartedReplicasServeTheirCheckpointedHighWatermarkAtOnce() throws Exception {
        cluster = new InProcessReplicas(dir, 3, 30_000, 2);
        cluster.createTopic(1, Map.of());
        await().until(() -> cluster.replica(1, 0).isLeader());
        for (int i = 0; i < 10; i++) {
            assertEquals(ErrorCode.NONE, produce(cluster.replica(1, 0), InProcessReplicas.batch(i, 1), (short) -1));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> IntStream.rangeClosed(1, 3)
                .allMatch(n -> cluster.replica(n, 0).highWatermark() == 10));
        // Written periodically (every 5 s), so a crash keeps it too, not only a clean stop.
        Path checkpoint = dir.resolve("node2").resolve("logs").resolve(ReplicationOffsetCheckpoint.FILE_NAME);
        await().atMost(Duration.ofSeconds(10)).until(() -> java.nio.file.Files.exists(checkpoint)
                && ReplicationOffsetCheckpoint.read(checkpoint).equals(List.of(new ReplicationOffsetCheckpoint.Mark(
                        InProcessReplicas.TOPIC, 0, cluster.replica(2, 0).topicId(), 10))));
        for (int n = 1; n <= 3; n++) {
            cluster.stop(n);
        }

        // A follower alone, its leader down: the HW it had, not the log start.
        cluster.start(2);
        assertEquals(10, cluster.replica(2, 0).highWatermark());
        // The leader, with one ISR member still down (no report from it until the ISR shrinks): the same.
        cluster.start(1);
        assertEquals(10, cluster.replica(1, 0).highWatermark());
        assertEquals(ErrorCode.NONE, produce(cluster.replica(1, 0), InProcessReplicas.batch(10, 1), (short) 1));
        assertEquals(10, cluster.replica(1, 0).highWatermark(), "node 3 is still in the ISR and has not fetched");
    }

    @Test
    void followersRejectClientTrafficAndLeadersAcceptIt() throws Exception {
        cluster = new InProcessReplicas(dir, 3, 10_000, 2);
        cluster.createTopic(3, Map.of());
        await().until(() -> cluster.replica(2, 1).isLeader());
        var batch = InProcessReplicas.batch(0, 1);
        var rejected = cluster.replica(1, 1).append(batch, BatchHeader.read(batch), (short) -1);
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, assertInstanceOf(ProduceResult.Rejected.class, rejected)
                .error());
        assertEquals(ErrorCode.NONE, produce(cluster.replica(2, 1), InProcessReplicas.batch(0, 1), (short) -1));
    }

    @Test
    void stoppedFollowerLeavesTheIsrThenCatchesUpAcrossSegmentsAndRejoins() throws Exception {
        cluster = new InProcessReplicas(dir, 3, 1500, 2);
        cluster.createTopic(1, Map.of("segment.bytes", "1048576"));
        await().until(() -> cluster.replica(1, 0).isLeader());
        Partition leader = cluster.replica(1, 0);
        assertEquals(ErrorCode.NONE, produce(leader, InProcessReplicas.batch(0, 1), (short) -1));

        cluster.stop(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.image(0).isr().equals(List.of(1, 2)));
        // acks=all keeps working with ISR {1,2} >= min.insync.replicas=2; write ~6 segments of 1 MiB.
        byte[] value = new byte[100_000];
        int next = 1;
        for (int i = 0; i < 60; i++) {
            var records = new org.apache.kafka.common.record.internal.SimpleRecord[1];
            records[0] = new org.apache.kafka.common.record.internal.SimpleRecord(System.currentTimeMillis(), null,
                    value);
            var batch = org.apache.kafka.common.record.internal.MemoryRecords.withRecords(
                    org.apache.kafka.common.compress.Compression.NONE, records).buffer();
            assertEquals(ErrorCode.NONE, produce(leader, batch, (short) -1));
            next++;
        }
        assertEquals(next, leader.highWatermark());

        cluster.start(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.image(0).isr().size() == 3);
        assertReplicasIdentical(0, List.of(1, 2, 3));
    }

    @Test
    void produceFailsWithNotEnoughReplicasWhenTheIsrIsTooSmallAndSucceedsWhenAFollowerReturns() throws Exception {
        cluster = new InProcessReplicas(dir, 3, 1500, 2);
        cluster.createTopic(1, Map.of());
        await().until(() -> cluster.replica(1, 0).isLeader());
        Partition leader = cluster.replica(1, 0);
        cluster.stop(2);
        cluster.stop(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.image(0).isr().equals(List.of(1)));
        assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS, produce(leader, InProcessReplicas.batch(0, 1), (short) -1));
        assertEquals(0, leader.logEndOffset(), "nothing stored for a refused acks=all batch");
        assertEquals(ErrorCode.NONE, produce(leader, InProcessReplicas.batch(0, 1), (short) 1));

        cluster.start(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.image(0).isr().size() == 2);
        assertEquals(ErrorCode.NONE, produce(leader, InProcessReplicas.batch(1, 1), (short) -1));
        assertReplicasIdentical(0, List.of(1, 2));
    }

    @Test
    void acksAllWaitingWhenTheIsrShrinksBelowTheMinimumFailsAfterAppend() throws Exception {
        cluster = new InProcessReplicas(dir, 3, 1500, 3);
        cluster.createTopic(1, Map.of());
        await().until(() -> cluster.replica(1, 0).isLeader());
        Partition leader = cluster.replica(1, 0);
        cluster.stop(3);
        var batch = InProcessReplicas.batch(0, 1);
        var a = (ProduceResult.Appended) leader.append(batch, BatchHeader.read(batch), (short) -1);
        CompletableFuture<ErrorCode> acked = leader.awaitAcks(a.lastOffset() + 1, (short) -1, 20_000);
        assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, acked.join());
    }

    @Test
    void returningFormerLeaderTruncatesItsUncommittedTailAndIdempotentRetriesAreNotDuplicated() throws Exception {
        cluster = new InProcessReplicas(dir, 3, 30_000, 1);
        cluster.createTopic(1, Map.of());
        await().until(() -> cluster.replica(1, 0).isLeader());
        long pid = 4242;
        int seq = 0;
        for (int i = 0; i < 10; i++, seq += 2) {
            assertEquals(ErrorCode.NONE, produce(cluster.replica(1, 0),
                    InProcessReplicas.idempotentBatch(pid, seq, seq, 2), (short) -1));
        }
        assertReplicasIdentical(0, List.of(1, 2, 3));
        // Followers die; the leader keeps appending with acks=1 (not committed: no ISR member has it).
        cluster.stop(2);
        cluster.stop(3);
        for (int i = 0; i < 5; i++) {
            assertEquals(ErrorCode.NONE, produce(cluster.replica(1, 0),
                    InProcessReplicas.idempotentBatch(pid, 20 + 2 * i, 1000 + i, 2), (short) 1));
        }
        assertEquals(30, cluster.replica(1, 0).logEndOffset());
        cluster.stop(1);

        // Nodes 2 and 3 return; the controller elects node 2 (epoch 1); the producer retries its batch at seq 20.
        cluster.start(2);
        cluster.start(3);
        cluster.electLeader(0, 2, List.of(2, 3));
        await().until(() -> cluster.replica(2, 0).isLeader());
        Partition leader = cluster.replica(2, 0);
        assertEquals(20, leader.logEndOffset());
        assertEquals(ErrorCode.NONE, produce(leader, InProcessReplicas.idempotentBatch(pid, 20, 20, 2), (short) -1));
        assertEquals(ErrorCode.NONE, produce(leader, InProcessReplicas.idempotentBatch(pid, 20, 20, 2), (short) -1));
        assertEquals(22, leader.logEndOffset(), "the retry of an appended batch is answered, not appended again");

        // The former leader returns as a follower: it must drop offsets 20..29 of epoch 0 and copy the leader's.
        cluster.start(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.image(0).isr().size() == 3);
        assertReplicasIdentical(0, List.of(1, 2, 3));
        List<String> expected = new ArrayList<>(IntStream.range(0, 22).mapToObj(i -> "v-" + i).toList());
        assertEquals(expected, InProcessReplicas.values(cluster.replica(1, 0), 22));
    }
}
