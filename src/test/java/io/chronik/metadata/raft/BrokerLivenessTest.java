package io.chronik.metadata.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chronik.metadata.MetadataCommand.FenceBroker;
import io.chronik.metadata.MetadataCommand.RegisterBroker;
import io.chronik.metadata.MetadataCommand.UnfenceBroker;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStateMachine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerLivenessTest {

    private static MetadataImage threeBrokers() {
        MetadataImage image = MetadataStateMachine.initial("c", 1);
        for (int id = 1; id <= 3; id++) {
            image = MetadataStateMachine.apply(image, new RegisterBroker(id, "h", 9090 + id, null));
        }
        return image;
    }

    @Test
    void silentFollowerIsFencedAndComesBackWhenItAnswers() {
        MetadataImage image = threeBrokers();
        var changes = BrokerLiveness.changes(image, 1, Map.of(2, 100L, 3, 7000L), 6000);
        assertEquals(List.of(new FenceBroker(3)), changes);

        MetadataImage fenced = MetadataStateMachine.apply(image, changes.get(0));
        assertEquals(List.of(1, 2), fenced.brokers().keySet().stream().sorted().toList());
        assertEquals(List.of(3), List.copyOf(fenced.fencedBrokers().keySet()));
        assertEquals(List.of(), BrokerLiveness.changes(fenced, 1, Map.of(2, 100L, 3, 9000L), 6000));

        var back = BrokerLiveness.changes(fenced, 1, Map.of(2, 100L, 3, 50L), 6000);
        assertEquals(List.of(new UnfenceBroker(3)), back);
        assertEquals(image.brokers(), MetadataStateMachine.apply(fenced, back.get(0)).brokers());
    }

    @Test
    void leaderNeverFencesItselfAndUnknownFollowersCountAsSilent() {
        MetadataImage image = threeBrokers();
        assertEquals(List.of(new FenceBroker(2)), BrokerLiveness.changes(image, 1, Map.of(3, 10L), 6000));
    }

    @Test
    void reRegistrationUnfencesWithTheNewAddress() {
        MetadataImage fenced = MetadataStateMachine.apply(threeBrokers(), new FenceBroker(2));
        MetadataImage back = MetadataStateMachine.apply(fenced, new RegisterBroker(2, "h2", 1234, null));
        assertEquals(new MetadataImage.BrokerInfo(2, "h2", 1234, null), back.brokers().get(2));
        assertEquals(Map.of(), back.fencedBrokers());
    }
}
