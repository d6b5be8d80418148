package io.chronik.metadata;

import io.chronik.config.HostPort;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every change to the cluster metadata. Commands are applied in order to a {@link MetadataImage} by
 * {@code MetadataStateMachine}; the same records are journaled locally (standalone) or replicated by Raft (cluster).
 */
public sealed interface MetadataCommand {

    /**
     * Registers a broker with the address it advertises to Kafka clients and the address of its admin API
     * ({@code admin}, null in entries written before it existed); a fenced broker becomes live again.
     */
    record RegisterBroker(int brokerId, String host, int port, String rack, HostPort admin) implements MetadataCommand {

        /** A registration without an admin address. */
        public RegisterBroker(int brokerId, String host, int port, String rack) {
            this(brokerId, host, port, rack, null);
        }
    }

    /**
     * Fixes the cluster id. Committed by the first Raft leader; a no-op once an id is set, so racing leaders agree.
     */
    record InitializeCluster(String clusterId) implements MetadataCommand {}

    /**
     * Fixes the cluster-wide admin API key (docs/admin-api.md). Committed by the Raft leader while the image has no
     * key; a no-op once a key is set, so racing leaders agree. {@link #toString} never shows the key.
     */
    record InitializeAdminApiKey(String key) implements MetadataCommand {
        @Override
        public String toString() {
            return "InitializeAdminApiKey[key=(hidden)]";
        }
    }

    /**
     * Marks a live broker not alive (the controller stopped hearing from its node): it leaves the broker list clients
     * see but keeps its replica slots. A no-op for a broker that is not live.
     */
    record FenceBroker(int brokerId) implements MetadataCommand {}

    /** Marks a fenced broker alive again (its node answers the controller again). A no-op unless it is fenced. */
    record UnfenceBroker(int brokerId) implements MetadataCommand {}

    /** Creates a topic; {@code assignments.get(p)} lists partition p's replicas, the first being the leader. */
    record CreateTopic(String name, UUID id, List<List<Integer>> assignments, Map<String, String> configs)
            implements MetadataCommand {}

    record DeleteTopic(String name) implements MetadataCommand {}

    /** Adds partitions to a topic; {@code newAssignments} are the replicas of the new partitions, in order. */
    record CreatePartitions(String topic, List<List<Integer>> newAssignments) implements MetadataCommand {}

    /** Replaces a topic's explicit config overrides with {@code configs}. */
    record SetTopicConfigs(String topic, Map<String, String> configs) implements MetadataCommand {}

    /** Reserves {@code count} producer ids starting at the image's nextProducerId. */
    record AllocateProducerIds(int brokerId, int count) implements MetadataCommand {}

    /**
     * Gives a partition a new leader (-1: none) with ISR {@code isr}; {@code leaderEpoch} must be exactly the current
     * epoch + 1, so two controllers deciding at once cannot both win. Issued by the controller on a broker change
     * ({@code PartitionLeaderElection}).
     */
    record ChangePartitionLeader(String topic, int partition, int leader, int leaderEpoch, List<Integer> isr)
            implements MetadataCommand {}

    /**
     * Replaces a partition's ISR while keeping its leader; {@code leaderEpoch} must be the current epoch (a deposed
     * leader is fenced). Issued by the partition leader (shrink on lag, expand on catch-up) and by the controller
     * (a broker died). Replicas added to the ISR must be live brokers.
     */
    record ChangeIsr(String topic, int partition, int leaderEpoch, List<Integer> isr) implements MetadataCommand {}
}
