package io.chronik.metadata;

import io.chronik.metadata.MetadataCommand.ChangeIsr;
import io.chronik.metadata.MetadataCommand.ChangePartitionLeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the controller must change about one partition when the set of live brokers changes: a pure function of the
 * partition's image, the live broker ids and the topic's {@code unclean.leader.election.enable}, so it is tested
 * alone and gives the same answer on every node.
 *
 * <p>Rules (Kafka's {@code PartitionLeaderElectionAlgorithms} plus KRaft's handling of fenced brokers):
 * <ul>
 *   <li>dead brokers leave the ISR; a live leader keeps its epoch ({@link ChangeIsr});</li>
 *   <li>a dead (or missing) leader is replaced by the first replica, in assignment order, that is live and in the
 *       ISR, and the leader epoch is bumped ({@link ChangePartitionLeader});</li>
 *   <li>when no ISR member is live the partition becomes leaderless but keeps its ISR (each member holds every
 *       committed record), so the first member to return is elected — unless the topic allows unclean election,
 *       which then takes the first live replica with an ISR of itself (committed records may be lost);</li>
 *   <li>the ISR never becomes empty.</li>
 * </ul>
 */
public final class PartitionLeaderElection {

    private PartitionLeaderElection() {
    }

    /** The command that brings {@code p} in line with {@code live}, or empty when nothing needs to change. */
    public static Optional<MetadataCommand> reconcile(String topic, PartitionImage p, Set<Integer> live,
            boolean uncleanAllowed) {
        List<Integer> liveIsr = filter(p.isr(), live::contains);
        boolean leaderAlive = p.leader() != -1 && live.contains(p.leader());
        if (leaderAlive) {
            return liveIsr.size() == p.isr().size() ? Optional.empty()
                    : Optional.of(new ChangeIsr(topic, p.partition(), p.leaderEpoch(), liveIsr));
        }
        Optional<Integer> clean = p.replicas().stream().filter(liveIsr::contains).findFirst();
        if (clean.isPresent()) {
            return Optional.of(new ChangePartitionLeader(topic, p.partition(), clean.get(), p.leaderEpoch() + 1,
                    liveIsr));
        }
        if (uncleanAllowed) {
            Optional<Integer> unclean = p.replicas().stream().filter(live::contains).findFirst();
            if (unclean.isPresent()) {
                return Optional.of(new ChangePartitionLeader(topic, p.partition(), unclean.get(),
                        p.leaderEpoch() + 1, List.of(unclean.get())));
            }
        }
        if (p.leader() == -1) {
            return Optional.empty();
        }
        // Leaderless: keep the ISR (every member holds every committed record), so the first to return is elected.
        return Optional.of(new ChangePartitionLeader(topic, p.partition(), -1, p.leaderEpoch() + 1, p.isr()));
    }

    private static List<Integer> filter(List<Integer> ids, Predicate<Integer> keep) {
        List<Integer> out = new ArrayList<>(ids.size());
        for (Integer id : ids) {
            if (keep.test(id)) {
                out.add(id);
            }
        }
        return out;
    }
}
