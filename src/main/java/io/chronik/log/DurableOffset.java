package io.chronik.log;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The durable end offset of one log (every offset below it has been forced to disk) and the threads waiting for it
 * to pass an offset. The flusher advances it after a {@code force()}; all waiters covered by that force wake up
 * together (group commit). A failed force is sticky: every later wait throws it.
 *
 * <p>Thread-safety: safe for concurrent use; waiting uses a {@link ReentrantLock} condition, so virtual threads park
 * without pinning their carrier.
 */
final class DurableOffset {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private volatile long value;
    private volatile IOException failure;

    DurableOffset(long value) {
        this.value = value;
    }

    long value() {
        return value;
    }

    /** Raises the durable offset to {@code offset} (never lowers it) and wakes the waiters; true when it rose. */
    boolean advanceTo(long offset) {
        lock.lock();
        try {
            boolean rises = offset > value;
            if (rises) {
                value = offset;
            }
            advanced.signalAll();
            return rises;
        } finally {
            lock.unlock();
        }
    }

    /** Lowers the durable offset to {@code offset} when it is above it (log truncation). */
    void lowerTo(long offset) {
        lock.lock();
        try {
            value = Math.min(value, offset);
        } finally {
            lock.unlock();
        }
    }

    /** Records a failed force; current and future waiters get it. */
    void fail(IOException cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a force of this log failed. */
    boolean hasFailed() {
        return failure != null;
    }

    /** Throws the recorded flush failure, if any. */
    void throwIfFailed() throws IOException {
        IOException cause = failure;
        if (cause != null) {
            throw new IOException("log flush failed earlier: " + cause.getMessage(), cause);
        }
    }

    /** Waits until the durable offset reaches {@code endOffset}; false when {@code timeoutNanos} passes first. */
    boolean await(long endOffset, long timeoutNanos) throws IOException, InterruptedException {
        lock.lock();
        try {
            long remaining = timeoutNanos;
            while (value < endOffset) {
                throwIfFailed();
                if (remaining <= 0) {
                    return false;
                }
                remaining = advanced.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
