package io.chronik.kafka.group;

import io.chronik.broker.ReplicaManager;
import io.chronik.common.ChronikException;
import io.chronik.common.TopicPartition;
import io.chronik.group.GroupCoordinator;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.PartitionImage;
import io.chronik.metadata.TopicImage;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the coordinator serve exactly the offsets partitions this node leads: after every metadata change it loads
 * (replays) the partitions of {@code __consumer_offsets} whose leader became this node and unloads those it no longer
 * leads, so groups follow partition leadership (a new leader rebuilds their state from the replicated log).
 *
 * <p>Loads and unloads run one at a time on a single thread of their own, never on the metadata listener, since a
 * load replays a log and waits for the broker to have opened the partition. A load that fails is retried on the next
 * metadata change.
 */
final class OffsetsPartitionOwnership implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OffsetsPartitionOwnership.class);
    private static final long OPEN_WAIT_MS = 10_000;

    private final GroupCoordinator coordinator;
    private final ReplicaManager replicas;
    private final int nodeId;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            r -> Thread.ofVirtual().name("chronik-offsets-ownership").unstarted(r));
    /** Partitions loaded in the coordinator; touched only by the worker thread. */
    private final Set<Integer> loaded = new HashSet<>();

    OffsetsPartitionOwnership(GroupCoordinator coordinator, ReplicaManager replicas, int nodeId) {
        this.coordinator = coordinator;
        this.replicas = replicas;
        this.nodeId = nodeId;
    }

    /** Called with every metadata image; schedules the loads and unloads it implies. */
    void onImage(MetadataImage image) {
        Set<Integer> led = new HashSet<>();
        image.topic(OffsetsTopicLog.TOPIC).map(TopicImage::partitions).ifPresent(parts -> {
            for (PartitionImage p : parts) {
                if (p.leader() == nodeId && p.partition() < coordinator.partitionCount()) {
                    led.add(p.partition());
                }
            }
        });
        try {
            worker.execute(() -> reconcile(led));
        } catch (RejectedExecutionException e) {
            // closed: nothing to follow any more
        }
    }

    private void reconcile(Set<Integer> led) {
        for (int p : Set.copyOf(loaded)) {
            if (!led.contains(p)) {
                coordinator.unloadPartition(p);
                loaded.remove(p);
                log.info("No longer coordinating groups of {}-{}", OffsetsTopicLog.TOPIC, p);
            }
        }
        for (int p : led) {
            if (!loaded.contains(p)) {
                try {
                    awaitLeaderPartition(p);
                    coordinator.loadPartition(p);
                    loaded.add(p);
                } catch (IOException | RuntimeException e) {
                    log.warn("Cannot load groups of {}-{}: {}", OffsetsTopicLog.TOPIC, p, e.getMessage());
                }
            }
        }
    }

    private void awaitLeaderPartition(int partition) throws IOException {
        long deadline = System.currentTimeMillis() + OPEN_WAIT_MS;
        var tp = new TopicPartition(OffsetsTopicLog.TOPIC, partition);
        while (true) {
            try {
                replicas.leaderPartition(tp);
                return;
            } catch (ChronikException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("partition " + tp + " was not opened as leader: " + e.getMessage());
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + tp);
            }
        }
    }

    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
