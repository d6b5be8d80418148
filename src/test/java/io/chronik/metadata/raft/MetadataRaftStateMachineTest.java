package io.chronik.metadata.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.MetadataCommand.CreateTopic;
import io.chronik.metadata.MetadataCommand.FenceBroker;
import io.chronik.metadata.MetadataCommand.InitializeCluster;
import io.chronik.metadata.MetadataCommand.RegisterBroker;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStateMachine;
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
                new InitializeCluster("abc"),
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
        for (MetadataCommand c : List.of(new InitializeCluster("cid"), new RegisterBroker(1, "a", 1, null),
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
}
