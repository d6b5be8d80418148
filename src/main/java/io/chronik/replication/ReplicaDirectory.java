package io.chronik.replication;

import io.chronik.common.TopicPartition;
import java.util.Optional;

/** The local replicas the WAL server serves, as the broker's replica manager exposes them. Thread-safe. */
public interface ReplicaDirectory {

    /** The local replica of {@code tp} in the leader role's view, whatever its current role (it checks itself). */
    Optional<LeaderReplica> leaderReplica(TopicPartition tp);

    /** The cluster id followers must present in their handshake. */
    String clusterId();
}
