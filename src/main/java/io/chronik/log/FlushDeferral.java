package io.chronik.log;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Flush requests held back while one thread appends a run of requests it has already received, so that one force
 * covers them all.
 *
 * <p>Under the default {@code flush.messages=1} every append queues its log for a force at once. A client that
 * pipelines produce requests (Kafka's producer keeps up to five in flight per connection) then pays one force per
 * request and partition, although the next requests are already waiting in the socket buffer. A connection's reader
 * therefore opens a deferral: while it is open, the flush requests of appends made on that thread are collected, and
 * {@link #release} queues them all when the reader runs out of received requests. The appends acknowledged by those
 * forces are the same; only the number of forces, and so the CPU, disk and I/O-submission cost per byte, drops.
 *
 * <p>A waiter on another thread (in {@link PartitionLog#awaitDurable}, such as a replica fetcher) does not queue a
 * force for a log that an open deferral holds: the holder asks once, when it releases. So that a waiter never waits
 * long on a holder, holders must <b>release before anything that may block</b>: reading a request that has not fully
 * arrived, handing a response to a full queue, serving any request other than a produce. As a safety net,
 * {@code awaitDurable} queues the force itself when a holder has not released within
 * {@link PartitionLog#HELD_FLUSH_WAIT}, and releases the calling thread's own deferral before waiting.
 *
 * <p>Thread-safety: an instance is confined to the thread that opened it; the per-log hold count is atomic.
 */
public final class FlushDeferral implements AutoCloseable {

    private static final ThreadLocal<FlushDeferral> CURRENT = new ThreadLocal<>();

    private final Set<PartitionLog> held = new LinkedHashSet<>();
    private final Thread owner = Thread.currentThread();

    private FlushDeferral() {
    }

    /**
     * Opens a deferral on the calling thread; {@link #close} (which releases) must be called on the same thread.
     *
     * @throws IllegalStateException when the thread already has one open
     */
    public static FlushDeferral open() {
        if (CURRENT.get() != null) {
            throw new IllegalStateException("a flush deferral is already open on " + Thread.currentThread());
        }
        FlushDeferral deferral = new FlushDeferral();
        CURRENT.set(deferral);
        return deferral;
    }

    /** The calling thread's open deferral, or null. */
    static FlushDeferral current() {
        return CURRENT.get();
    }

    /** Holds back the flush request of {@code log}, whose append on this thread needs a force. */
    void hold(PartitionLog log) {
        if (held.add(log)) {
            log.holdFlush();
        }
    }

    /** Whether no flush request is held. */
    public boolean isEmpty() {
        return held.isEmpty();
    }

    /** Queues a force of every held log and holds nothing afterwards. */
    public void release() {
        if (held.isEmpty()) {
            return;
        }
        for (PartitionLog log : held) {
            log.releaseHeldFlush();
        }
        held.clear();
    }

    /** Releases and closes the deferral; appends on this thread request their forces at once again. */
    @Override
    public void close() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a flush deferral must be closed by the thread that opened it");
        }
        release();
        CURRENT.remove();
    }
}
