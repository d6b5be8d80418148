package io.chronik.broker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A leader's view of its followers in one leader epoch (Kafka's {@code Replica} state): each follower's last fetch
 * offset — every offset below it is durable on that follower — and when it was last caught up. Created fresh when
 * the node becomes leader; every follower then counts as caught up "now", so none is dropped from the ISR before it
 * had {@code replica.lag.time.max.ms} to fetch.
 *
 * <p>Caught-up rule (Kafka's {@code Replica.updateFetchState}): a fetch at or past the leader's log end offset makes
 * the follower caught up at the fetch time; a fetch at or past the log end offset the leader had at the follower's
 * previous fetch makes it caught up at that previous fetch time. Thread-safe.
 */
final class FollowerProgress {

    private static final class State {
        long offset = -1;
        long lastCaughtUpMs;
        long lastFetchMs;
        long lastFetchLeaderEndOffset = -1;
    }

    private final int leaderEpoch;
    private final long epochStartOffset;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Integer, State> followers = new HashMap<>();

    FollowerProgress(int leaderEpoch, long epochStartOffset, List<Integer> replicas, int self, long nowMs) {
        this.leaderEpoch = leaderEpoch;
        this.epochStartOffset = epochStartOffset;
        for (int id : replicas) {
            if (id != self) {
                State s = new State();
                s.lastCaughtUpMs = nowMs;
                s.lastFetchMs = nowMs;
                followers.put(id, s);
            }
        }
    }

    int leaderEpoch() {
        return leaderEpoch;
    }

    /** The leader's log end offset when it became leader in this epoch (a joining follower must reach it). */
    long epochStartOffset() {
        return epochStartOffset;
    }

    /** Records a fetch of {@code follower} at {@code fetchOffset}; false for a node that is not a replica. */
    boolean onFetch(int follower, long fetchOffset, long leaderEndOffset, long nowMs) {
        lock.lock();
        try {
            State s = followers.get(follower);
            if (s == null) {
                return false;
            }
            if (fetchOffset >= leaderEndOffset) {
                s.lastCaughtUpMs = Math.max(s.lastCaughtUpMs, nowMs);
            } else if (fetchOffset >= s.lastFetchLeaderEndOffset && s.lastFetchLeaderEndOffset >= 0) {
                s.lastCaughtUpMs = Math.max(s.lastCaughtUpMs, s.lastFetchMs);
            }
            s.offset = fetchOffset;
            s.lastFetchLeaderEndOffset = leaderEndOffset;
            s.lastFetchMs = nowMs;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The follower's durable end offset as last reported, -1 before its first fetch in this epoch. */
    long offset(int follower) {
        lock.lock();
        try {
            State s = followers.get(follower);
            return s == null ? -1 : s.offset;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code follower} was caught up within the last {@code maxLagMs}. */
    boolean isCaughtUp(int follower, long nowMs, long maxLagMs) {
        lock.lock();
        try {
            State s = followers.get(follower);
            return s != null && nowMs - s.lastCaughtUpMs <= maxLagMs;
        } finally {
            lock.unlock();
        }
    }

    /** The ISR members (other than the leader) not caught up within the last {@code maxLagMs}. */
    List<Integer> laggingMembers(List<Integer> isr, long nowMs, long maxLagMs) {
        lock.lock();
        try {
            List<Integer> lagging = new ArrayList<>();
            for (int id : isr) {
                State s = followers.get(id);
                if (s != null && nowMs - s.lastCaughtUpMs > maxLagMs) {
                    lagging.add(id);
                }
            }
            return lagging;
        } finally {
            lock.unlock();
        }
    }
}
