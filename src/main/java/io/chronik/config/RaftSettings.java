package io.chronik.config;

/**
 * Settings of a cluster node's Raft (metadata) server, from the optional {@code [raft]} table. Validated by
 * {@link ServerConfigLoader}; every value has a default that suits a metadata quorum on ordinary hardware.
 *
 * @param bind                   address the Raft listener binds: all interfaces on the node's own {@code raft} port
 *                               unless {@code [raft] bind} says otherwise
 * @param electionTimeoutMs      a follower that hears no leader for a random time between this and twice this starts
 *                               an election ({@code election_timeout_ms})
 * @param quorumWaitMs           how long a metadata change waits for a Raft leader and quorum before it fails with a
 *                               retriable error ({@code quorum_wait_ms})
 * @param brokerSessionTimeoutMs a node the controller has not heard from for this long is fenced: it disappears from
 *                               the broker list clients see until it answers again ({@code broker_session_timeout_ms})
 * @param snapshotThreshold      applied entries between two automatic state-machine snapshots, after which the Raft
 *                               log before the snapshot is purged ({@code snapshot_threshold})
 * @param logSegmentBytes        size at which a Raft log segment is closed; only closed segments are purged
 *                               ({@code log_segment_bytes})
 */
public record RaftSettings(
        HostPort bind,
        int electionTimeoutMs,
        int quorumWaitMs,
        int brokerSessionTimeoutMs,
        long snapshotThreshold,
        int logSegmentBytes) {

    public static final int ELECTION_TIMEOUT_MS_DEFAULT = 1000;
    public static final int QUORUM_WAIT_MS_DEFAULT = 5000;
    public static final int BROKER_SESSION_TIMEOUT_MS_DEFAULT = 6000;
    public static final long SNAPSHOT_THRESHOLD_DEFAULT = 10_000;
    public static final int LOG_SEGMENT_BYTES_DEFAULT = 4 << 20;

    /** The defaults, binding all interfaces on {@code raftPort}. */
    public static RaftSettings defaults(int raftPort) {
        return new RaftSettings(new HostPort("0.0.0.0", raftPort), ELECTION_TIMEOUT_MS_DEFAULT, QUORUM_WAIT_MS_DEFAULT,
                BROKER_SESSION_TIMEOUT_MS_DEFAULT, SNAPSHOT_THRESHOLD_DEFAULT, LOG_SEGMENT_BYTES_DEFAULT);
    }
}
