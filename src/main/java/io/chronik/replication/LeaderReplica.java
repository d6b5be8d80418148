package io.chronik.replication;

import io.chronik.common.ErrorCode;
import io.chronik.log.LogSlice;
import io.chronik.log.PartitionLog;
import java.io.IOException;
import java.util.Optional;

/**
 * What the WAL server needs from a local replica of a partition this node leads. Implemented by the broker's
 * partition; every method is thread-safe and non-blocking except {@link #readForFollower} (file IO).
 */
public interface LeaderReplica {

    /**
     * NONE when this node leads the partition in {@code leaderEpoch}; NOT_LEADER_OR_FOLLOWER when it does not lead
     * it, FENCED_LEADER_EPOCH when the follower's epoch is older, UNKNOWN_LEADER_EPOCH when newer.
     */
    ErrorCode checkLeader(int leaderEpoch);

    /**
     * A follower's fetch: records that follower {@code followerId} holds every offset below {@code fetchOffset}
     * durably (its progress, which moves the high watermark and the ISR), then reads whole batches from
     * {@code fetchOffset} up to the log end offset — not only up to the high watermark.
     *
     * @param recordProgress true for the first read of a fetch request; false when a parked (long-poll) fetch reads
     *                       again: its progress is as of its arrival, so a fetch that was already waiting when the
     *                       follower left the ISR (say, by a controlled shutdown) cannot add it back
     * @throws io.chronik.log.OffsetOutOfRangeException when {@code fetchOffset} is outside [log start, log end]
     */
    FollowerRead readForFollower(int followerId, long fetchOffset, int maxBytes, boolean recordProgress)
            throws IOException;

    /** The end offset of {@code epoch} in this leader's log (KIP-101/279), empty when undefined. */
    Optional<PartitionLog.EpochEndOffset> endOffsetForEpoch(int epoch);

    long logStartOffset();

    long logEndOffset();

    long highWatermark();

    /** Calls {@code signal} (which must not block) after every append and high-watermark move until unwatched. */
    void watchReplication(Runnable signal);

    void unwatchReplication(Runnable signal);

    /** The batches a follower gets and the leader's offsets, sampled after recording the follower's progress. */
    record FollowerRead(LogSlice slice, long highWatermark, long logStartOffset, long logEndOffset) {}
}
