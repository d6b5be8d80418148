package io.chronik.metadata;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Chooses the replicas of new partitions: over the live brokers sorted by id, partition p's replicas start at the
 * broker at index (p mod n) and continue round the ring, so leaders (first replicas) spread evenly.
 */
public final class ReplicaPlacement {

    private ReplicaPlacement() {
    }

    /**
     * Places partitions {@code firstPartition .. firstPartition + count - 1}.
     *
     * @throws ChronikException INVALID_REPLICATION_FACTOR when {@code replicationFactor} is not in 1..brokers,
     *         INVALID_PARTITIONS when {@code count} is not positive
     */
    public static List<List<Integer>> place(Collection<Integer> brokerIds, int firstPartition, int count,
            int replicationFactor) {
        if (count <= 0) {
            throw new ChronikException(ErrorCode.INVALID_PARTITIONS,
                    "Number of partitions must be larger than 0, got " + count);
        }
        List<Integer> brokers = brokerIds.stream().sorted().toList();
        if (replicationFactor <= 0) {
            throw new ChronikException(ErrorCode.INVALID_REPLICATION_FACTOR,
                    "Replication factor must be larger than 0, got " + replicationFactor);
        }
        if (replicationFactor > brokers.size()) {
            throw new ChronikException(ErrorCode.INVALID_REPLICATION_FACTOR, "Unable to replicate the partition "
                    + replicationFactor + " time(s): The target replication factor of " + replicationFactor
                    + " cannot be reached because only " + brokers.size() + " broker(s) are registered.");
        }
        List<List<Integer>> assignments = new ArrayList<>(count);
        for (int p = firstPartition; p < firstPartition + count; p++) {
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            for (int r = 0; r < replicationFactor; r++) {
                replicas.add(brokers.get((p + r) % brokers.size()));
            }
            assignments.add(List.copyOf(replicas));
        }
        return List.copyOf(assignments);
    }
}
