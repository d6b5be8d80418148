package io.chronik.kafka.group;

import static io.chronik.kafka.group.GroupTestSupport.POLL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rebalances with real consumers: leaving, crashing, cooperative and static members, at-least-once delivery. */
class RebalanceTest {

    @TempDir
    Path dir;

    @Test
    void aLeavingMemberHandsItsPartitionsOverWithoutWaitingForItsSession() throws Exception {
        try (var server = GroupTestSupport.start(dir)) {
            GroupTestSupport.createTopic(server, "leave", 4);
            var a = GroupTestSupport.member(server, "g-leave", Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30_000));
            var b = GroupTestSupport.member(server, "g-leave", Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30_000));
            a.subscribe(List.of("leave"));
            b.subscribe(List.of("leave"));
            awaitAssignments(Map.of(a, 2, b, 2));
            b.close();
            long start = System.nanoTime();
            awaitAssignments(Map.of(a, 4));
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 10_000,
                    "rebalance after LeaveGroup must not wait for the 30 s session timeout");
        }
    }

    @Test
    void aCrashedMemberIsEvictedAfterItsSessionTimeout() throws Exception {
        try (var server = GroupTestSupport.start(dir)) {
            GroupTestSupport.createTopic(server, "crash", 4);
            var a = GroupTestSupport.member(server, "g-crash", Map.of());
            var b = GroupTestSupport.member(server, "g-crash", Map.of());
            a.subscribe(List.of("crash"));
            b.subscribe(List.of("crash"));
            awaitAssignments(Map.of(a, 2, b, 2));
            b.close(CloseOptions.groupMembershipOperation(GroupMembershipOperation.REMAIN_IN_GROUP)); // no LeaveGroup
            long start = System.nanoTime();
            awaitAssignments(Map.of(a, 4));
            long tookMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(tookMs >= 2000, "evicted after " + tookMs + " ms, before its session timed out");
            var description = server.admin().describeConsumerGroups(List.of("g-crash")).all().get().get("g-crash");
            assertEquals(1, description.members().size());
        }
    }

    @Test
    void cooperativeStickyMovesOnlyThePartitionsThatChangeOwner() throws Exception {
        try (var server = GroupTestSupport.start(dir)) {
            GroupTestSupport.createTopic(server, "coop", 6);
            Map<String, Object> coop = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    CooperativeStickyAssignor.class.getName());
            var a = GroupTestSupport.member(server, "g-coop", coop);
            Set<TopicPartition> revokedFromA = ConcurrentHashMap.newKeySet();
            a.subscribe(List.of("coop"), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    revokedFromA.addAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                }
            });
            awaitAssignments(Map.of(a, 6));
            Set<TopicPartition> before = new HashSet<>(a.assignment());
            var b = GroupTestSupport.member(server, "g-coop", coop);
            b.subscribe(List.of("coop"));
            awaitAssignments(Map.of(a, 3, b, 3));
            assertEquals(3, revokedFromA.size(), "only the moved partitions are revoked: " + revokedFromA);
            assertEquals(b.assignment(), revokedFromA);
            Set<TopicPartition> kept = new HashSet<>(before);
            kept.removeAll(revokedFromA);
            assertEquals(kept, a.assignment());
        }
    }

    @Test
    void aRestartedStaticMemberGetsItsPartitionsBackWithoutARebalance() throws Exception {
        try (var server = GroupTestSupport.start(dir)) {
            GroupTestSupport.createTopic(server, "static", 4);
            Map<String, Object> slow = Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 20_000);
            var a = GroupTestSupport.member(server, "g-static", with(slow, "instance-a"));
            var b = GroupTestSupport.member(server, "g-static", with(slow, "instance-b"));
            a.subscribe(List.of("static"));
            b.subscribe(List.of("static"));
            awaitAssignments(Map.of(a, 2, b, 2));
            int generation = b.groupMetadata().generationId();
            Set<TopicPartition> aPartitions = new HashSet<>(a.assignment());
            a.close(); // a static member sends no LeaveGroup
            var a2 = GroupTestSupport.member(server, "g-static", with(slow, "instance-a"));
            a2.subscribe(List.of("static"));
            awaitAssignments(Map.of(a2, 2));
            assertEquals(aPartitions, a2.assignment());
            assertEquals(generation, a2.groupMetadata().generationId());
            for (int i = 0; i < 10; i++) {
                b.poll(POLL);
            }
            assertEquals(generation, b.groupMetadata().generationId(), "b saw a rebalance");
            assertEquals(2, b.assignment().size());
        }
    }

    @Test
    void noRecordIsSkippedAcrossARebalance() throws Exception {
        try (var server = GroupTestSupport.start(dir)) {
            GroupTestSupport.createTopic(server, "alo", 4);
            GroupTestSupport.produce(server, "alo", 2000);
            Set<String> seen = ConcurrentHashMap.newKeySet();
            Map<String, Object> small = Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
            var a = GroupTestSupport.member(server, "g-alo", small);
            a.subscribe(List.of("alo"));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                a.poll(POLL).forEach(r -> seen.add(r.value()));
                a.commitSync();
                return seen.size() >= 300;
            });
            var b = GroupTestSupport.member(server, "g-alo", small);
            b.subscribe(List.of("alo"));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (var c : List.of(a, b)) {
                    c.poll(POLL).forEach(r -> seen.add(r.value()));
                    try {
                        c.commitSync();
                    } catch (org.apache.kafka.clients.consumer.RetriableCommitFailedException
                             | org.apache.kafka.common.errors.RebalanceInProgressException e) {
                        // the next poll rejoins; uncommitted records are delivered again
                    }
                }
                return seen.size() == 2000;
            });
            var offsets = server.admin().listConsumerGroupOffsets("g-alo").partitionsToOffsetAndMetadata().get();
            assertEquals(2000, offsets.values().stream().mapToLong(o -> o.offset()).sum());
        }
    }

    private static Map<String, Object> with(Map<String, Object> base, String instanceId) {
        var m = new java.util.HashMap<>(base);
        m.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        return m;
    }

    /** Polls every consumer until each owns the given number of partitions. */
    static void awaitAssignments(Map<KafkaConsumer<String, String>, Integer> expected) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            boolean done = true;
            for (var e : expected.entrySet()) {
                e.getKey().poll(POLL);
                done &= e.getKey().assignment().size() == e.getValue();
            }
            return done;
        });
    }
}
