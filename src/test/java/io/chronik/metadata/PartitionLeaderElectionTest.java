package io.chronik.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.metadata.MetadataCommand.ChangeIsr;
import io.chronik.metadata.MetadataCommand.ChangePartitionLeader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PartitionLeaderElectionTest {

    private static final PartitionImage P = new PartitionImage(0, 1, 4, List.of(1, 2, 3), List.of(1, 2, 3));

    @Test
    void nothingChangesWhileEveryIsrMemberIsAlive() {
        assertEquals(Optional.empty(), PartitionLeaderElection.reconcile("t", P, Set.of(1, 2, 3), false));
    }

    @Test
    void deadFollowerLeavesTheIsrInTheSameEpoch() {
        assertEquals(Optional.of(new ChangeIsr("t", 0, 4, List.of(1, 3))),
                PartitionLeaderElection.reconcile("t", P, Set.of(1, 3), false));
    }

    @Test
    void deadLeaderIsReplacedByTheFirstLiveIsrReplicaWithTheNextEpoch() {
        assertEquals(Optional.of(new ChangePartitionLeader("t", 0, 2, 5, List.of(2, 3))),
                PartitionLeaderElection.reconcile("t", P, Set.of(2, 3), false));
        var isrOnly3 = new PartitionImage(0, 1, 4, List.of(1, 2, 3), List.of(1, 3));
        assertEquals(Optional.of(new ChangePartitionLeader("t", 0, 3, 5, List.of(3))),
                PartitionLeaderElection.reconcile("t", isrOnly3, Set.of(2, 3), false));
    }

    @Test
    void withoutALiveIsrMemberThePartitionIsLeaderlessUnlessUncleanElectionIsAllowed() {
        var isr1 = new PartitionImage(0, 1, 4, List.of(1, 2, 3), List.of(1));
        assertEquals(Optional.of(new ChangePartitionLeader("t", 0, -1, 5, List.of(1))),
                PartitionLeaderElection.reconcile("t", isr1, Set.of(2, 3), false));
        assertEquals(Optional.of(new ChangePartitionLeader("t", 0, 2, 5, List.of(2))),
                PartitionLeaderElection.reconcile("t", isr1, Set.of(2, 3), true));
        var leaderless = new PartitionImage(0, -1, 5, List.of(1, 2, 3), List.of(1));
        assertEquals(Optional.empty(), PartitionLeaderElection.reconcile("t", leaderless, Set.of(2, 3), false));
        assertEquals(Optional.of(new ChangePartitionLeader("t", 0, 1, 6, List.of(1))),
                PartitionLeaderElection.reconcile("t", leaderless, Set.of(1, 2), false));
    }

    private static MetadataImage imageWithTopic() {
        MetadataImage image = MetadataStateMachine.initial("c", 1);
        for (int id = 1; id <= 3; id++) {
            image = MetadataStateMachine.apply(image, new MetadataCommand.RegisterBroker(id, "h", 9000 + id, null));
        }
        return MetadataStateMachine.apply(image, new MetadataCommand.CreateTopic("t", UUID.randomUUID(),
                List.of(List.of(1, 2, 3)), Map.of()));
    }

    @Test
    void stateMachineFencesStaleLeaderEpochsAndInvalidIsrs() {
        MetadataImage image = imageWithTopic();
        MetadataImage moved = MetadataStateMachine.apply(image, new ChangePartitionLeader("t", 0, 2, 1,
                List.of(2, 3)));
        assertEquals(new PartitionImage(0, 2, 1, List.of(1, 2, 3), List.of(2, 3)), moved.topics().get("t")
                .partition(0));
        var twice = assertThrows(ChronikException.class, () -> MetadataStateMachine.apply(moved,
                new ChangePartitionLeader("t", 0, 3, 1, List.of(3))));
        assertEquals(ErrorCode.FENCED_LEADER_EPOCH, twice.error());
        var deposed = assertThrows(ChronikException.class, () -> MetadataStateMachine.apply(moved,
                new ChangeIsr("t", 0, 0, List.of(1, 2, 3))));
        assertEquals(ErrorCode.FENCED_LEADER_EPOCH, deposed.error());
        assertThrows(ChronikException.class, () -> MetadataStateMachine.apply(moved,
                new ChangeIsr("t", 0, 1, List.of(3))), "the leader must stay in the ISR");
        assertEquals(List.of(2, 3, 1), MetadataStateMachine.apply(moved, new ChangeIsr("t", 0, 1, List.of(2, 3, 1)))
                .topics().get("t").partition(0).isr());
    }
}
