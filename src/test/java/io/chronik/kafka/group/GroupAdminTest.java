package io.chronik.kafka.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.ListConsumerGroupsOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AdminClient's consumer-group operations, and committed offsets surviving a restart. */
class GroupAdminTest {

    @TempDir
    Path dir;

    @Test
    void adminListsDescribesAltersAndDeletesGroups() throws Exception {
        try (var server = GroupTestSupport.start(dir)) {
            GroupTestSupport.createTopic(server, "a1", 2);
            GroupTestSupport.createTopic(server, "a2", 1);
            GroupTestSupport.produce(server, "a1", 10);
            var admin = server.admin();
            var p0 = new TopicPartition("a1", 0);
            var p1 = new TopicPartition("a1", 1);
            var other = new TopicPartition("a2", 0);
            // alterConsumerGroupOffsets (what --reset-offsets does) creates a simple group
            admin.alterConsumerGroupOffsets("simple", Map.of(p0, new OffsetAndMetadata(3, "m"),
                    other, new OffsetAndMetadata(0))).all().get();
            var offsets = admin.listConsumerGroupOffsets("simple").partitionsToOffsetAndMetadata().get();
            assertEquals(3, offsets.get(p0).offset());
            assertEquals("m", offsets.get(p0).metadata());

            var active = GroupTestSupport.member(server, "active", Map.of());
            active.subscribe(List.of("a1"));
            RebalanceTest.awaitAssignments(Map.of(active, 2));
            active.commitSync(Map.of(p1, new OffsetAndMetadata(1), other, new OffsetAndMetadata(1)));

            var listed = admin.listConsumerGroups().all().get();
            assertEquals(Set.of("simple", "active"), Set.copyOf(listed.stream().map(g -> g.groupId()).toList()));
            var stable = admin.listConsumerGroups(new ListConsumerGroupsOptions().inGroupStates(Set.of(GroupState.STABLE)))
                    .all().get();
            assertEquals(List.of("active"), stable.stream().map(g -> g.groupId()).toList());

            var described = admin.describeConsumerGroups(List.of("active", "simple")).all().get();
            assertEquals(GroupState.STABLE, described.get("active").groupState());
            assertEquals(1, described.get("active").members().size());
            assertEquals(Set.of(p0, p1), described.get("active").members().iterator().next().assignment()
                    .topicPartitions());
            assertEquals("range", described.get("active").partitionAssignor());
            assertEquals(GroupState.EMPTY, described.get("simple").groupState());

            // OffsetDelete: refused for a subscribed topic, allowed for another one
            var subscribed = assertThrows(ExecutionException.class,
                    () -> admin.deleteConsumerGroupOffsets("active", Set.of(p1)).all().get());
            assertInstanceOf(GroupSubscribedToTopicException.class, subscribed.getCause());
            admin.deleteConsumerGroupOffsets("active", Set.of(other)).all().get();
            assertEquals(Set.of(p1), admin.listConsumerGroupOffsets("active").partitionsToOffsetAndMetadata().get()
                    .keySet());

            var notEmpty = assertThrows(ExecutionException.class,
                    () -> admin.deleteConsumerGroups(List.of("active")).all().get());
            assertInstanceOf(GroupNotEmptyException.class, notEmpty.getCause());
            var unknown = assertThrows(ExecutionException.class,
                    () -> admin.deleteConsumerGroups(List.of("nope")).all().get());
            assertInstanceOf(GroupIdNotFoundException.class, unknown.getCause());
            admin.deleteConsumerGroups(List.of("simple")).all().get();
            assertTrue(admin.listConsumerGroupOffsets("simple").partitionsToOffsetAndMetadata().get().isEmpty());
        }
    }

    @Test
    void committedOffsetsAndGroupsSurviveARestart() throws Exception {
        try (var server = GroupTestSupport.start(dir)) {
            GroupTestSupport.createTopic(server, "durable", 2);
            GroupTestSupport.produce(server, "durable", 20);
            var consumer = GroupTestSupport.member(server, "keeper", Map.of());
            consumer.subscribe(List.of("durable"));
            RebalanceTest.awaitAssignments(Map.of(consumer, 2));
            var tp = new TopicPartition("durable", 0);
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(7, java.util.Optional.of(0), "meta")));
            consumer.close();
            server.admin().alterConsumerGroupOffsets("simple", Map.of(tp, new OffsetAndMetadata(4))).all().get();

            server.restart();

            Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                var groups = server.admin().listConsumerGroups().all().get();
                assertEquals(Set.of("keeper", "simple"), Set.copyOf(groups.stream().map(g -> g.groupId()).toList()));
            });
            var kept = server.admin().listConsumerGroupOffsets("keeper").partitionsToOffsetAndMetadata().get().get(tp);
            assertEquals(7, kept.offset());
            assertEquals("meta", kept.metadata());
            assertEquals(java.util.Optional.of(0), kept.leaderEpoch());
            assertEquals(4, server.admin().listConsumerGroupOffsets("simple").partitionsToOffsetAndMetadata().get()
                    .get(tp).offset());
            var resumed = GroupTestSupport.member(server, "keeper", Map.of());
            resumed.assign(List.of(tp));
            assertEquals(7, resumed.position(tp));
        }
    }
}
