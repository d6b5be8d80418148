package io.chronik.common;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A wake-up flag for a waiter that long-polls (a Fetch waiting for data, a follower fetch waiting on the leader):
 * whoever makes progress (an append, a high-watermark move) runs it, and the waiter's {@link #await} returns early.
 * A signal given while nobody waits is remembered until the next {@link #await}, so no wake-up is lost between a
 * waiter's last check and its wait. Running it never blocks the signalling thread for long. Uses a
 * {@link ReentrantLock}, not {@code synchronized}, so virtual threads do not pin their carrier while waiting.
 */
public final class WakeupSignal implements Runnable {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean signalled;

    @Override
    public void run() {
        lock.lock();
        try {
            signalled = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until signalled or {@code nanos} pass, then clears the flag. */
    public void await(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (!signalled && left > 0) {
                left = changed.awaitNanos(left);
            }
            signalled = false;
        } finally {
            lock.unlock();
        }
    }
}
