package io.chronik.broker;

import io.chronik.common.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The high watermark of one partition — the offset below which consumers may read — and the parties waiting for it
 * to move: produce requests waiting for their last offset to be covered ({@link #await}) and long-polling fetches
 * that want a signal on every advance ({@link #watch}). It only moves forward, except by an explicit
 * {@link #resetTo} (truncation). Also used for a leader's own durable end offset, which acks=1 waits for.
 *
 * <p>Thread-safe. Waiters are completed and watchers signalled on the thread that advances the mark, outside the
 * lock; a watcher must only signal (never block or read the log).
 */
final class HighWatermark {

    private record Waiter(long offset, CompletableFuture<ErrorCode> future, long deadlineNanos) {}

    /**
     * Every instance with pending waiters, swept by one thread every {@link #SWEEP_INTERVAL_MS} for expired ones. One
     * coarse sweep instead of a timer per waiter ({@code completeOnTimeout}): on JDK 25 those timers went through the
     * common pool's delay scheduler, which took about 7 % of the broker's CPU in the benchmark's workload 1.
     */
    private static final Set<HighWatermark> WITH_WAITERS = ConcurrentHashMap.newKeySet();
    static final long SWEEP_INTERVAL_MS = 10;

    static {
        Thread.ofPlatform().name("chronik-request-timeouts").daemon().start(HighWatermark::sweepForever);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.offset, b.offset));
    private final Set<Runnable> watchers = new CopyOnWriteArraySet<>();
    private volatile long value;
    /** Set by {@link #failFromNowOn}: what every wait for an offset above the mark gets from then on. */
    private volatile ErrorCode failure;

    HighWatermark(long initial) {
        this.value = initial;
    }

    long get() {
        return value;
    }

    /** Moves the mark to {@code offset} if that is ahead; completes the waiters it covers and signals watchers. */
    void advanceTo(long offset) {
        advanceTo(() -> offset);
    }

    /**
     * Like {@link #advanceTo(long)} with the offset read under the mark's lock, so that a concurrent {@link #resetTo}
     * of a value that {@code offset} reflects is never overtaken by an older reading.
     */
    void advanceTo(LongSupplier offsetSource) {
        List<Waiter> done = new ArrayList<>();
        lock.lock();
        try {
            long offset = offsetSource.getAsLong();
            if (offset <= value) {
                return;
            }
            value = offset;
            while (!waiters.isEmpty() && waiters.peek().offset <= offset) {
                done.add(waiters.poll());
            }
        } finally {
            lock.unlock();
        }
        done.forEach(w -> w.future.complete(ErrorCode.NONE));
        watchers.forEach(Runnable::run);
    }

    /**
     * Completes with NONE once the mark reaches {@code offset}, with REQUEST_TIMED_OUT after {@code timeoutMs}, or
     * with the error given to {@link #failWaiters}.
     */
    CompletableFuture<ErrorCode> await(long offset, long timeoutMs) {
        var future = new CompletableFuture<ErrorCode>();
        lock.lock();
        try {
            if (offset <= value) {
                return CompletableFuture.completedFuture(ErrorCode.NONE);
            }
            if (failure != null) {
                return CompletableFuture.completedFuture(failure);
            }
            if (timeoutMs <= 0) {
                return CompletableFuture.completedFuture(ErrorCode.REQUEST_TIMED_OUT);
            }
            Waiter waiter = new Waiter(offset, future, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs));
            waiters.add(waiter);
            if (waiters.size() == 1) {
                WITH_WAITERS.add(this); // under the lock: expireWaiters removes it under the same lock
            }
        } finally {
            lock.unlock();
        }
        return future;
    }

    /** Completes the waiters whose deadline passed with REQUEST_TIMED_OUT; stops being swept once none is left. */
    void expireWaiters(long nowNanos) {
        List<Waiter> expired = new ArrayList<>();
        lock.lock();
        try {
            waiters.removeIf(w -> nowNanos - w.deadlineNanos >= 0 && expired.add(w));
            if (waiters.isEmpty()) {
                WITH_WAITERS.remove(this);
            }
        } finally {
            lock.unlock();
        }
        expired.forEach(w -> w.future.complete(ErrorCode.REQUEST_TIMED_OUT));
    }

    private static void sweepForever() {
        while (true) {
            try {
                Thread.sleep(SWEEP_INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (HighWatermark mark : WITH_WAITERS) {
                mark.expireWaiters(now);
            }
        }
    }

    /**
     * Sets the mark to {@code offset} even when that is lower (a follower truncated below it, or a new leader's own
     * durable mark); waiters above it keep waiting.
     */
    void resetTo(long offset) {
        lock.lock();
        try {
            value = offset;
        } finally {
            lock.unlock();
        }
    }

    /** Completes every pending waiter with {@code error} (leadership lost, partition closed or deleted). */
    void failWaiters(ErrorCode error) {
        fail(error, false);
    }

    /**
     * Completes every pending waiter with {@code error}, and every later wait for an offset above the mark too (the
     * storage failed: the mark will never move again).
     */
    void failFromNowOn(ErrorCode error) {
        fail(error, true);
    }

    private void fail(ErrorCode error, boolean sticky) {
        List<Waiter> failed;
        lock.lock();
        try {
            if (sticky) {
                failure = error;
            }
            failed = new ArrayList<>(waiters);
            waiters.clear();
        } finally {
            lock.unlock();
        }
        failed.forEach(w -> w.future.complete(error));
        watchers.forEach(Runnable::run);
    }

    /** Calls {@code signal} after every advance until {@link #unwatch}. */
    void watch(Runnable signal) {
        watchers.add(signal);
    }

    void unwatch(Runnable signal) {
        watchers.remove(signal);
    }

}
