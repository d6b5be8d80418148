package io.chronik.log;

import static io.chronik.log.TestBatches.batch;
import static io.chronik.log.TestBatches.withFlush;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Forces held back while a thread appends a run of received requests, and the rules that keep waiters live. */
class FlushDeferralTest extends LogTestBase {

    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void appendsUnderAnOpenDeferralAreForcedWhenItReleasesAndNotBefore() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        try (FlushDeferral deferral = FlushDeferral.open()) {
            log.append(batch(2, 1), 0, -1);
            log.append(batch(3, 2), 0, -1);
            assertEquals(1, log.heldFlushCount(), "one hold per log, however many appends");
            // Shorter than HELD_FLUSH_WAIT: the waiter leaves queueing the force to the holder, so nothing is forced.
            assertFalse(awaitOnAnotherThread(log, 5, Duration.ofMillis(5)));
            assertEquals(0, log.durableEndOffset());

            deferral.release();
            assertEquals(0, log.heldFlushCount());
            await().atMost(LONG).until(() -> log.durableEndOffset() == 5);
        }
    }

    @Test
    void closingTheDeferralReleasesWhatItHolds() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        PartitionLog other = open(tmp.resolve("other-0"), LogConfig.DEFAULT);
        try (FlushDeferral deferral = FlushDeferral.open()) {
            log.append(batch(1, 1), 0, -1);
            other.append(batch(4, 1), 0, -1);
            assertFalse(deferral.isEmpty());
        }
        await().atMost(LONG).until(() -> log.durableEndOffset() == 1 && other.durableEndOffset() == 4);
        assertEquals(0, log.heldFlushCount() + other.heldFlushCount());
        log.append(batch(1, 2), 0, -1); // no deferral open any more: forced without anyone asking
        await().atMost(LONG).until(() -> log.durableEndOffset() == 2);
    }

    @Test
    void awaitDurableOnTheHoldingThreadReleasesFirst() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        try (FlushDeferral deferral = FlushDeferral.open()) {
            log.append(batch(2, 1), 0, -1);
            assertTrue(log.awaitDurable(2, LONG));
            assertTrue(deferral.isEmpty());
            assertEquals(0, log.heldFlushCount());
        }
    }

    @Test
    void aWaiterIsNotStrandedByAHolderThatNeverReleases() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        try (FlushDeferral deferral = FlushDeferral.open()) {
            log.append(batch(2, 1), 0, -1);
            // The holder (this thread) keeps holding; the waiter queues the force itself after HELD_FLUSH_WAIT.
            assertTrue(awaitOnAnotherThread(log, 2, LONG));
            assertEquals(2, log.durableEndOffset());
            assertFalse(deferral.isEmpty());
        }
    }

    @Test
    void appendsUnderARelaxedFlushPolicyAreNotHeld() throws Exception {
        PartitionLog log = open(withFlush(LogConfig.DEFAULT, 1000, Long.MAX_VALUE));
        try (FlushDeferral deferral = FlushDeferral.open()) {
            log.append(batch(2, 1), 0, -1);
            assertTrue(deferral.isEmpty());
            assertEquals(0, log.heldFlushCount());
        }
    }

    @Test
    void twoThreadsHoldingTheSameLogEachRelease() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        var appended = new CompletableFuture<Void>();
        var release = new CompletableFuture<Void>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> second = executor.submit(() -> {
                try (FlushDeferral deferral = FlushDeferral.open()) {
                    log.append(batch(1, 7), 0, -1);
                    appended.complete(null);
                    release.join();
                }
                return null;
            });
            appended.join();
            try (FlushDeferral deferral = FlushDeferral.open()) {
                log.append(batch(1, 8), 0, -1);
                assertEquals(2, log.heldFlushCount());
            }
            assertEquals(1, log.heldFlushCount());
            await().atMost(LONG).until(() -> log.durableEndOffset() == 2);
            release.complete(null);
            second.get();
        }
        assertEquals(0, log.heldFlushCount());
    }

    @Test
    void aThreadOpensAtMostOneDeferralAndOnlyItsOwnerClosesIt() throws Exception {
        try (FlushDeferral deferral = FlushDeferral.open()) {
            assertThrows(IllegalStateException.class, FlushDeferral::open);
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<?> closing = executor.submit(() -> {
                    deferral.close();
                    return null;
                });
                var failure = assertThrows(java.util.concurrent.ExecutionException.class, closing::get);
                assertTrue(failure.getCause() instanceof IllegalStateException);
            }
        }
        FlushDeferral.open().close(); // closed above: the thread may open a new one
    }

    private static boolean awaitOnAnotherThread(PartitionLog log, long endOffset, Duration timeout) throws Exception {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            return executor.submit(() -> log.awaitDurable(endOffset, timeout)).get();
        }
    }
}
