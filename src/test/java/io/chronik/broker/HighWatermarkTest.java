package io.chronik.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.common.ErrorCode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Waiting for a high watermark: completion by an advance, by a failure, and the swept request timeout. */
class HighWatermarkTest {

    @Test
    void aWaiterCompletesWhenTheMarkReachesItsOffset() {
        var mark = new HighWatermark(0);
        CompletableFuture<ErrorCode> waiter = mark.await(10, 30_000);
        mark.advanceTo(9);
        assertFalse(waiter.isDone());
        mark.advanceTo(10);
        assertEquals(ErrorCode.NONE, waiter.getNow(null));
        assertEquals(ErrorCode.NONE, mark.await(5, 30_000).getNow(null), "already covered");
    }

    @Test
    void aWaiterTimesOutAfterItsTimeoutAndNotBefore() throws Exception {
        var mark = new HighWatermark(0);
        long start = System.nanoTime();
        CompletableFuture<ErrorCode> waiter = mark.await(10, 300);
        CompletableFuture<ErrorCode> patient = mark.await(10, 30_000);
        assertEquals(ErrorCode.REQUEST_TIMED_OUT, waiter.get(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "timed out early");
        assertFalse(patient.isDone(), "only the expired waiter times out");
        mark.advanceTo(10);
        assertEquals(ErrorCode.NONE, patient.getNow(null));
    }

    @Test
    void aZeroTimeoutAnswersAtOnce() {
        var mark = new HighWatermark(0);
        assertEquals(ErrorCode.REQUEST_TIMED_OUT, mark.await(1, 0).getNow(null));
    }

    @Test
    void failingCompletesEveryWaiterWithTheError() {
        var mark = new HighWatermark(0);
        CompletableFuture<ErrorCode> a = mark.await(5, 30_000);
        CompletableFuture<ErrorCode> b = mark.await(7, 30_000);
        mark.failWaiters(ErrorCode.KAFKA_STORAGE_ERROR);
        assertEquals(ErrorCode.KAFKA_STORAGE_ERROR, a.getNow(null));
        assertEquals(ErrorCode.KAFKA_STORAGE_ERROR, b.getNow(null));
    }

    @Test
    void afterAStorageFailureEveryLaterWaitAboveTheMarkFailsAtOnce() {
        var mark = new HighWatermark(3);
        CompletableFuture<ErrorCode> pending = mark.await(5, 30_000);
        mark.failFromNowOn(ErrorCode.KAFKA_STORAGE_ERROR);
        assertEquals(ErrorCode.KAFKA_STORAGE_ERROR, pending.getNow(null));
        assertEquals(ErrorCode.KAFKA_STORAGE_ERROR, mark.await(4, 30_000).getNow(null), "a wait after the failure");
        assertEquals(ErrorCode.NONE, mark.await(3, 30_000).getNow(null), "offsets already below the mark");
        mark.failWaiters(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        assertEquals(ErrorCode.KAFKA_STORAGE_ERROR, mark.await(6, 30_000).getNow(null));
    }

    @Test
    void failingWaitersWithoutStickinessLetLaterWaitsWait() {
        var mark = new HighWatermark(0);
        mark.failWaiters(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        CompletableFuture<ErrorCode> later = mark.await(1, 30_000);
        assertFalse(later.isDone());
        mark.advanceTo(() -> 1);
        assertEquals(ErrorCode.NONE, later.getNow(null));
    }

    @Test
    void manyMarksTimeOutIndependently() {
        var marks = new HighWatermark[20];
        @SuppressWarnings("unchecked")
        CompletableFuture<ErrorCode>[] waiters = new CompletableFuture[20];
        for (int i = 0; i < marks.length; i++) {
            marks[i] = new HighWatermark(0);
            waiters[i] = marks[i].await(1, 50 + 10L * i);
        }
        marks[0].advanceTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            for (var w : waiters) {
                if (!w.isDone()) {
                    return false;
                }
            }
            return true;
        });
        assertEquals(ErrorCode.NONE, waiters[0].getNow(null));
        for (int i = 1; i < waiters.length; i++) {
            assertEquals(ErrorCode.REQUEST_TIMED_OUT, waiters[i].getNow(null));
        }
    }
}
