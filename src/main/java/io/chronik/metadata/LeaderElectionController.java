package io.chronik.metadata;

import io.chronik.common.ChronikException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's partition-leadership duty: while this node is the controller (the Raft leader), every change of
 * the metadata image — a broker registered or gone from the live broker list, a topic created — and a periodic
 * re-check run {@link PartitionLeaderElection} over every partition and submit the resulting commands. The live
 * brokers are the image's {@code brokers()}; the metadata store removes a broker from it when the broker dies.
 *
 * <p>The work runs on one virtual thread of its own (metadata listeners must not block or submit). Commands carry
 * leader epochs, so a command computed from a stale image or by a node that just lost the controller role is
 * rejected by the state machine and the next pass recomputes it.
 */
public final class LeaderElectionController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderElectionController.class);
    private static final long RECHECK_MS = 1000;

    private final MetadataStore metadata;
    private final BooleanSupplier isController;
    private final Predicate<TopicImage> uncleanAllowed;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread thread;
    private boolean dirty = true;
    private volatile boolean closed;

    /**
     * @param isController   whether this node is the controller right now
     * @param uncleanAllowed whether a topic's {@code unclean.leader.election.enable} is true
     */
    public LeaderElectionController(MetadataStore metadata, BooleanSupplier isController,
            Predicate<TopicImage> uncleanAllowed) {
        this.metadata = metadata;
        this.isController = isController;
        this.uncleanAllowed = uncleanAllowed;
        this.thread = Thread.ofVirtual().name("chronik-leader-election").unstarted(this::run);
    }

    public void start() {
        metadata.subscribe(image -> signal());
        thread.start();
    }

    private void signal() {
        lock.lock();
        try {
            dirty = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (!closed) {
            try {
                lock.lock();
                try {
                    if (!dirty) {
                        changed.await(RECHECK_MS, TimeUnit.MILLISECONDS);
                    }
                    dirty = false;
                } finally {
                    lock.unlock();
                }
                if (!closed && isController.getAsBoolean()) {
                    reconcileOnce();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Partition leader election pass failed: {}", e.toString());
            }
        }
    }

    /** One pass over every partition of the current image. */
    void reconcileOnce() {
        MetadataImage image = metadata.current();
        Set<Integer> live = new HashSet<>(image.brokers().keySet());
        for (TopicImage topic : image.topics().values()) {
            boolean unclean = uncleanAllowed.test(topic);
            for (PartitionImage p : topic.partitions()) {
                Optional<MetadataCommand> command = PartitionLeaderElection.reconcile(topic.name(), p, live, unclean);
                if (command.isEmpty() || closed) {
                    continue;
                }
                try {
                    metadata.submit(command.get());
                    log.info("{}-{}: {} (live brokers {})", topic.name(), p.partition(), command.get(), live);
                } catch (ChronikException e) {
                    log.info("{}-{}: {} not applied: {}", topic.name(), p.partition(), command.get(),
                            e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
