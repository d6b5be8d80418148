package io.chronik.replication;

import io.chronik.common.TopicPartition;
import io.chronik.config.HostPort;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The follower side of replication on one node: one {@link ReplicaFetcher} per leader node this node follows
 * partitions from, created on demand and stopped when it has nothing left to follow. The broker calls
 * {@link #follow}/{@link #unfollow} as the metadata assigns leaders; both return at once. Thread-safe.
 */
public final class ReplicaFetcherManager implements AutoCloseable {

    private final int nodeId;
    private final IntFunction<HostPort> walAddress;
    private final Supplier<String> clusterId;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Integer, ReplicaFetcher> fetchers = new HashMap<>(); // by leader id, guarded by lock
    private final Map<TopicPartition, Integer> leaders = new HashMap<>(); // guarded by lock
    private boolean closed;

    /**
     * @param walAddress the WAL address of a node id (null when unknown)
     * @param clusterId  the cluster id to present in handshakes
     */
    public ReplicaFetcherManager(int nodeId, IntFunction<HostPort> walAddress, Supplier<String> clusterId) {
        this.nodeId = nodeId;
        this.walAddress = walAddress;
        this.clusterId = clusterId;
    }

    /** Replicates {@code replica} from {@code leaderId} in {@code leaderEpoch}, instead of whatever it did before. */
    public void follow(FollowerReplica replica, int leaderId, int leaderEpoch) {
        TopicPartition tp = replica.topicPartition();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            Integer previous = leaders.put(tp, leaderId);
            if (previous != null && previous != leaderId) {
                fetchers.get(previous).unfollow(tp);
            }
            HostPort address = walAddress.apply(leaderId);
            if (address == null) {
                leaders.remove(tp);
                return;
            }
            ReplicaFetcher fetcher = fetchers.computeIfAbsent(leaderId, id -> {
                var f = new ReplicaFetcher(nodeId, id, address, clusterId.get());
                f.start();
                return f;
            });
            fetcher.follow(replica, leaderEpoch);
            stopIdle();
        } finally {
            lock.unlock();
        }
    }

    /** Stops replicating {@code tp} (it became leader, lost its leader, or was deleted). */
    public void unfollow(TopicPartition tp) {
        lock.lock();
        try {
            Integer leader = leaders.remove(tp);
            if (leader != null) {
                fetchers.get(leader).unfollow(tp);
                stopIdle();
            }
        } finally {
            lock.unlock();
        }
    }

    private void stopIdle() {
        for (Iterator<ReplicaFetcher> it = fetchers.values().iterator(); it.hasNext(); ) {
            ReplicaFetcher f = it.next();
            if (f.isIdle()) {
                f.close();
                it.remove();
            }
        }
    }

    @Override
    public void close() {
        closeAndAwait(0);
    }

    /**
     * Stops every fetcher and waits up to {@code waitMs} for their threads to end, so that no further fetch leaves
     * this node (controlled shutdown: a leader must not see this node catch up again after it left the ISR).
     */
    public void closeAndAwait(long waitMs) {
        List<ReplicaFetcher> stopping;
        lock.lock();
        try {
            closed = true;
            stopping = List.copyOf(fetchers.values());
            stopping.forEach(ReplicaFetcher::close);
            fetchers.clear();
            leaders.clear();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        try {
            for (ReplicaFetcher f : stopping) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !f.awaitStopped(left)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
