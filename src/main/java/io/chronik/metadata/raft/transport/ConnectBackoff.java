package io.chronik.metadata.raft.transport;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * When the next connect attempt to one peer address may start. Shared by the successive {@link PeerConnection}s to
 * that address (Ratis replaces a failed connection with a new one, and retries every 25 ms), so an unreachable peer is
 * tried at most every {@code maxDelay} rather than 40 times a second. The delay doubles from 50 ms after each failure
 * and resets on success. Thread-safe.
 */
final class ConnectBackoff {

    private static final long INITIAL_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final long maxDelayNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private int failures;
    private long nextAttemptNanos = System.nanoTime();

    ConnectBackoff(long maxDelayMillis) {
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxDelayMillis);
    }

    /** Sleeps until an attempt is allowed. */
    void awaitTurn() throws InterruptedException {
        long wait;
        lock.lock();
        try {
            wait = nextAttemptNanos - System.nanoTime();
        } finally {
            lock.unlock();
        }
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** Records a failed attempt; returns true for the first failure after a success (worth one log line). */
    boolean failed() {
        lock.lock();
        try {
            failures++;
            long delay = Math.min(maxDelayNanos, INITIAL_DELAY_NANOS << Math.min(20, failures - 1));
            nextAttemptNanos = System.nanoTime() + delay;
            return failures == 1;
        } finally {
            lock.unlock();
        }
    }

    /** Records a successful connect; returns true when it ends a run of failures. */
    boolean succeeded() {
        lock.lock();
        try {
            boolean recovered = failures > 0;
            failures = 0;
            nextAttemptNanos = System.nanoTime();
            return recovered;
        } finally {
            lock.unlock();
        }
    }
}
