package io.chronik.metadata.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.config.HostPort;
import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.MetadataCommand.CreateTopic;
import io.chronik.metadata.MetadataCommand.FenceBroker;
import io.chronik.metadata.MetadataCommand.InitializeAdminApiKey;
import io.chronik.metadata.MetadataCommand.InitializeCluster;
import io.chronik.metadata.MetadataCommand.RegisterBroker;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataImage.BrokerInfo;
import io.chronik.metadata.MetadataStateMachine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of the Raft state machine that need no Raft: command and snapshot encodings. */
class MetadataRaftStateMachineTest {

    @Test
    void everyCommandRoundTripsThroughItsLogEntryBytes() throws Exception {
        List<MetadataCommand> commands = List.of(
                new RegisterBroker(1, "h", 9092, null),
                new RegisterBroker(2, "h", 9093, "r", new HostPort("h", 10002)),
                new InitializeCluster("abc"),
                new InitializeAdminApiKey("k".repeat(43)),
                new FenceBroker(2),
                new CreateTopic("t", UUID.randomUUID(), List.of(List.of(1, 2, 3)), Map.of("retention.ms", "1")));
        for (MetadataCommand command : commands) {
            assertEquals(command, CommandCodec.decode(CommandCodec.encode(command)));
        }
    }

    @Test
    void rejectedCommandCarriesItsErrorBackToTheSubmitter() {
        CommandCodec.throwIfFailure(CommandCodec.success());
        var e = assertThrows(ChronikException.class, () -> CommandCodec.throwIfFailure(CommandCodec.failure(
                new ChronikException(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 't' already exists."))));
        assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS, e.error());
        assertEquals("Topic 't' already exists.", e.getMessage());
    }

    @Test
    void snapshotHoldsTheWholeImageButNotTheController(@TempDir Path dir) throws Exception {
        MetadataImage image = MetadataStateMachine.initial("", 3);
        for (MetadataCommand c : List.of(new InitializeCluster("cid"), new InitializeAdminApiKey("s".repeat(43)),
                new RegisterBroker(1, "a", 1, null, new HostPort("a", 10001)),
                new RegisterBroker(2, "b", 2, "rack"), new RegisterBroker(3, "c", 3, null),
                new CreateTopic("t", UUID.randomUUID(), List.of(List.of(1, 2), List.of(2, 3)),
                        Map.of("retention.ms", "1000")),
                new FenceBroker(3), new MetadataCommand.AllocateProducerIds(1, 1000))) {
            image = MetadataStateMachine.apply(image, c);
        }
        Path file = dir.resolve("snapshot.1_7");
        ImageSnapshot.write(image, file);
        assertEquals(image.withControllerId(-1), ImageSnapshot.read(file));
    }

    @Test
    void clusterIdIsSetOnceSoRacingLeadersAgree() {
        MetadataImage image = MetadataStateMachine.apply(MetadataStateMachine.initial("", -1),
                new InitializeCluster("first"));
        assertEquals("first", MetadataStateMachine.apply(image, new InitializeCluster("second")).clusterId());
    }

    @Test
    void entriesAndSnapshotsOfEarlierVersionsReadWithoutAdminFields(@TempDir Path dir) throws Exception {
        assertEquals(new RegisterBroker(1, "h", 9092, null), CommandCodec.decode(
                ("{\"type\":\"RegisterBroker\",\"command\":{\"brokerId\":1,\"host\":\"h\",\"port\":9092,"
                        + "\"rack\":null}}").getBytes(StandardCharsets.UTF_8)));
        Path file = dir.resolve("snapshot.1_1");
        Files.writeString(file, "{\"format\":1,\"image\":{\"clusterId\":\"c\",\"controllerId\":-1,"
                + "\"brokers\":{\"1\":{\"id\":1,\"host\":\"h\",\"port\":9092,\"rack\":null}},\"topics\":{},"
                + "\"nextProducerId\":0,\"fencedBrokers\":{}}}");
        MetadataImage old = ImageSnapshot.read(file);
        assertEquals("", old.adminApiKey());
        assertEquals(new BrokerInfo(1, "h", 9092, null), old.brokers().get(1));
    }

    @Test
    void adminApiKeyIsSetOnceAndNeverPrinted() {
        String key = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWpr";
        MetadataImage image = MetadataStateMachine.apply(MetadataStateMachine.initial("c", -1),
                new InitializeAdminApiKey(key));
        assertEquals(key, MetadataStateMachine.apply(image, new InitializeAdminApiKey("x".repeat(43))).adminApiKey());
        assertFalse(image.toString().contains(key), image.toString());
        assertFalse(new InitializeAdminApiKey(key).toString().contains(key));
        assertThrows(ChronikException.class, () -> MetadataStateMachine.apply(MetadataStateMachine.initial("c", -1),
                new InitializeAdminApiKey("short")));
    }

    @Test
    void generatedAdminApiKeysAre43UrlSafeCharactersAndDiffer() {
        String a = RaftMetadataStore.newAdminApiKey();
        assertTrue(a.matches("[A-Za-z0-9_-]{43}"), a);
        assertNotEquals(a, RaftMetadataStore.newAdminApiKey());
    }
}
