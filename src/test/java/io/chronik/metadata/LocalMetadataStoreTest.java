package io.chronik.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.metadata.MetadataCommand.AllocateProducerIds;
import io.chronik.metadata.MetadataCommand.CreatePartitions;
import io.chronik.metadata.MetadataCommand.CreateTopic;
import io.chronik.metadata.MetadataCommand.DeleteTopic;
import io.chronik.metadata.MetadataCommand.RegisterBroker;
import io.chronik.metadata.MetadataCommand.SetTopicConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalMetadataStoreTest {

    @TempDir
    Path dir;

    @Test
    void committedCommandsSurviveReopen() throws IOException {
        UUID id;
        String clusterId;
        try (LocalMetadataStore store = LocalMetadataStore.open(dir, 1)) {
            store.submit(new RegisterBroker(1, "127.0.0.1", 9092, null));
            id = MetadataStateMachine.newTopicId();
            store.submit(new CreateTopic("orders", id, ReplicaPlacement.place(List.of(1), 0, 3, 1),
                    Map.of("cleanup.policy", "compact")));
            store.submit(new CreatePartitions("orders", ReplicaPlacement.place(List.of(1), 3, 2, 1)));
            store.submit(new SetTopicConfigs("orders", Map.of("retention.ms", "1000")));
            store.submit(new CreateTopic("gone", MetadataStateMachine.newTopicId(), List.of(List.of(1)), Map.of()));
            store.submit(new DeleteTopic("gone"));
            store.submit(new AllocateProducerIds(1, 1000));
            clusterId = store.current().clusterId();
            assertEquals(22, clusterId.length());
        }
        try (LocalMetadataStore store = LocalMetadataStore.open(dir, 1)) {
            MetadataImage image = store.current();
            assertEquals(clusterId, image.clusterId());
            assertEquals(1, image.controllerId());
            TopicImage orders = image.topic("orders").orElseThrow();
            assertEquals(id, orders.id());
            assertEquals(5, orders.partitions().size());
            assertEquals(Map.of("retention.ms", "1000"), orders.configs());
            assertEquals(new PartitionImage(4, 1, 0, List.of(1), List.of(1)), orders.partition(4));
            assertTrue(image.topic("gone").isEmpty());
            assertEquals(1000L, image.nextProducerId());
            assertEquals(new MetadataImage.BrokerInfo(1, "127.0.0.1", 9092, null), image.brokers().get(1));
        }
    }

    @Test
    void rejectsInvalidCommandsWithPreciseErrorsAndStoresNothing() throws IOException {
        try (LocalMetadataStore store = LocalMetadataStore.open(dir, 1)) {
            store.submit(new RegisterBroker(1, "127.0.0.1", 9092, null));
            store.submit(new CreateTopic("t", UUID.randomUUID(), List.of(List.of(1)), Map.of()));
            assertError(ErrorCode.TOPIC_ALREADY_EXISTS,
                    () -> store.submit(new CreateTopic("t", UUID.randomUUID(), List.of(List.of(1)), Map.of())));
            assertError(ErrorCode.INVALID_TOPIC_EXCEPTION,
                    () -> store.submit(new CreateTopic("bad name", UUID.randomUUID(), List.of(List.of(1)), Map.of())));
            assertError(ErrorCode.INVALID_TOPIC_EXCEPTION,
                    () -> store.submit(new CreateTopic("..", UUID.randomUUID(), List.of(List.of(1)), Map.of())));
            assertError(ErrorCode.INVALID_TOPIC_EXCEPTION, () -> store.submit(
                    new CreateTopic("x".repeat(250), UUID.randomUUID(), List.of(List.of(1)), Map.of())));
            assertError(ErrorCode.INVALID_PARTITIONS,
                    () -> store.submit(new CreateTopic("u", UUID.randomUUID(), List.of(), Map.of())));
            assertError(ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                    () -> store.submit(new CreateTopic("u", UUID.randomUUID(), List.of(List.of(2)), Map.of())));
            assertError(ErrorCode.INVALID_CONFIG, () -> store.submit(
                    new CreateTopic("u", UUID.randomUUID(), List.of(List.of(1)), Map.of("retention.ms", "x"))));
            assertError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, () -> store.submit(new DeleteTopic("nope")));
            assertError(ErrorCode.INVALID_REPLICATION_FACTOR, () -> ReplicaPlacement.place(List.of(1), 0, 1, 3));
            assertError(ErrorCode.INVALID_PARTITIONS, () -> ReplicaPlacement.place(List.of(1), 0, 0, 1));
        }
        try (LocalMetadataStore store = LocalMetadataStore.open(dir, 1)) {
            assertEquals(List.of("t"), List.copyOf(store.current().topics().keySet()));
        }
    }

    @Test
    void truncatesATornLastJournalEntry() throws IOException {
        try (LocalMetadataStore store = LocalMetadataStore.open(dir, 1)) {
            store.submit(new RegisterBroker(1, "127.0.0.1", 9092, null));
            store.submit(new CreateTopic("kept", UUID.randomUUID(), List.of(List.of(1)), Map.of()));
        }
        Files.writeString(dir.resolve("journal.jsonl"), "{\"type\":\"CreateTopic\",\"comm", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (LocalMetadataStore store = LocalMetadataStore.open(dir, 1)) {
            assertTrue(store.current().topic("kept").isPresent());
            store.submit(new CreateTopic("after", UUID.randomUUID(), List.of(List.of(1)), Map.of()));
        }
        try (LocalMetadataStore store = LocalMetadataStore.open(dir, 1)) {
            assertTrue(store.current().topic("after").isPresent());
        }
    }

    @Test
    void refusesACorruptJournalNamingTheFileAndLine() throws IOException {
        try (LocalMetadataStore store = LocalMetadataStore.open(dir, 1)) {
            store.submit(new RegisterBroker(1, "127.0.0.1", 9092, null));
        }
        Files.writeString(dir.resolve("journal.jsonl"), "garbage\n", StandardOpenOption.APPEND);
        IOException e = assertThrows(IOException.class, () -> LocalMetadataStore.open(dir, 1));
        assertTrue(e.getMessage().contains("journal.jsonl") && e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void refusesADirectoryOfAnotherNode() throws IOException {
        LocalMetadataStore.open(dir, 1).close();
        IOException e = assertThrows(IOException.class, () -> LocalMetadataStore.open(dir, 2));
        assertTrue(e.getMessage().contains("node 1"), e.getMessage());
    }

    @Test
    void publishesEveryImageToSubscribersInOrder() throws IOException {
        try (LocalMetadataStore store = LocalMetadataStore.open(dir, 1)) {
            List<Integer> topicCounts = new ArrayList<>();
            store.subscribe(image -> topicCounts.add(image.topics().size()));
            store.submit(new RegisterBroker(1, "127.0.0.1", 9092, null));
            store.submit(new RegisterBroker(1, "127.0.0.1", 9092, null));
            store.submit(new CreateTopic("a", UUID.randomUUID(), List.of(List.of(1)), Map.of()));
            store.submit(new CreateTopic("b", UUID.randomUUID(), List.of(List.of(1)), Map.of()));
            assertEquals(List.of(0, 0, 1, 2), topicCounts);
        }
    }

    @Test
    void placesReplicasRoundRobinFromPartitionModBrokers() {
        assertEquals(List.of(List.of(1, 2), List.of(2, 3), List.of(3, 1), List.of(1, 2)),
                ReplicaPlacement.place(List.of(3, 1, 2), 0, 4, 2));
    }

    private static void assertError(ErrorCode code, Runnable r) {
        ChronikException e = assertThrows(ChronikException.class, r::run);
        assertEquals(code, e.error(), e.getMessage());
    }
}
