package io.chronik.replication;

import io.chronik.common.TopicPartition;
import io.chronik.log.PartitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * What a {@link ReplicaFetcher} needs from a local replica of a partition this node follows. Each mutating method
 * takes the leader epoch the fetcher works for and fails with {@link StaleEpochException} once the replica has moved
 * on (it became leader, or follows a newer epoch), so a fetcher that has not yet been told can never write.
 * Thread-safe.
 */
public interface FollowerReplica {

    TopicPartition topicPartition();

    long logStartOffset();

    long logEndOffset();

    /** Every offset below this is durable under the topic's flush policy: what the follower reports as fetch offset. */
    long durableEndOffset();

    long highWatermark();

    /** Latest leader epoch in the local log, or -1 when it has none. */
    int latestEpoch();

    Optional<PartitionLog.EpochEndOffset> endOffsetForEpoch(int epoch);

    /**
     * Removes every offset at or above {@code offset} (divergence from the leader); producer state follows the log.
     * Below the log start offset the log restarts empty at {@code offset}.
     */
    void truncateTo(long offset, int leaderEpoch) throws IOException;

    /** Empties the log and restarts it at {@code offset} (the leader's log start is past everything local). */
    void truncateFullyAndStartAt(long offset, int leaderEpoch) throws IOException;

    /** Appends one batch copied from the leader, base offset = log end offset; producer state follows. */
    void appendAsFollower(ByteBuffer batch, int leaderEpoch) throws IOException;

    /** Blocks until every offset below {@code endOffset} is durable (group commit), or the timeout passes. */
    boolean awaitDurable(long endOffset, Duration timeout) throws IOException, InterruptedException;

    /** Takes the leader's high watermark, bounded by what this replica holds durably. */
    void updateHighWatermarkFromLeader(long leaderHighWatermark, int leaderEpoch);

    /** Thrown when the replica no longer follows the epoch the caller works for. */
    final class StaleEpochException extends RuntimeException {
        public StaleEpochException(String message) {
            super(message, null, false, false);
        }
    }
}
