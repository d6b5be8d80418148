package io.chronik.log;

import static io.chronik.log.TestBatches.batch;
import static io.chronik.log.TestBatches.config;
import static io.chronik.log.TestBatches.withFlush;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DurabilityTest extends LogTestBase {

    @Test
    void concurrentAppendersAwaitingDurabilityAllSucceedAndAreCoveredByTheDurableOffset() throws Exception {
        PartitionLog log = open(config(64 * 1024));
        var acknowledged = new ConcurrentLinkedQueue<Long>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        PartitionLog.AppendResult result = log.append(batch(2, i, 100), 0, -1);
                        assertTrue(log.awaitDurable(result.lastOffset() + 1, Duration.ofSeconds(30)));
                        assertTrue(log.durableEndOffset() > result.lastOffset());
                        acknowledged.add(result.lastOffset());
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        assertEquals(32 * 50, acknowledged.size());
        assertEquals(32 * 50 * 2, log.logEndOffset());
        assertEquals(log.logEndOffset(), log.durableEndOffset());
        assertEquals(32 * 50, TestBatches.readAll(log).size());
    }

    @Test
    void appendsAreForcedEvenWhenNobodyWaits() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        log.append(batch(3, 1), 0, -1);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.durableEndOffset() == 3);
    }

    @Test
    void awaitDurableOfAnOffsetNotYetAppendedTimesOut() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        log.append(batch(1, 1), 0, -1);
        assertTrue(log.awaitDurable(1, Duration.ofSeconds(10)));
        assertEquals(false, log.awaitDurable(5, Duration.ofMillis(50)));
    }

    @Test
    void theListenerIsToldEachNewDurableEndOffsetOnTheFlusherThreadWithoutAnyWaiter() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        var told = new LinkedBlockingQueue<Long>();
        var threads = ConcurrentHashMap.<String>newKeySet();
        log.setDurabilityListener(new DurabilityListener() {
            @Override
            public void durableAdvanced(long durableEndOffset) {
                threads.add(Thread.currentThread().getName());
                told.add(durableEndOffset);
            }

            @Override
            public void flushFailed(IOException cause) {
                told.add(-1L);
            }
        });
        log.append(batch(3, 1), 0, -1);
        assertEquals(3, told.poll(10, TimeUnit.SECONDS));
        log.append(batch(2, 2), 0, -1);
        log.append(batch(4, 3), 0, -1);
        long last = 0;
        while (last < 9) {
            Long next = told.poll(10, TimeUnit.SECONDS);
            assertTrue(next != null && next > last && next <= 9, "told " + next + " after " + last);
            last = next;
        }
        assertEquals(9, log.durableEndOffset());
        assertEquals(Set.of("log-flusher"), threads.stream().map(n -> n.replaceAll("-\\d+$", ""))
                .collect(Collectors.toSet()));
    }

    @Test
    void aFailedForceIsToldToTheListenerAndFailsEveryLaterAppendAndWait() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        log.append(batch(2, 1), 0, -1);
        assertTrue(log.awaitDurable(2, Duration.ofSeconds(10)));
        var failures = new LinkedBlockingQueue<IOException>();
        var advances = new LinkedBlockingQueue<Long>();
        log.setDurabilityListener(new DurabilityListener() {
            @Override
            public void durableAdvanced(long durableEndOffset) {
                advances.add(durableEndOffset);
            }

            @Override
            public void flushFailed(IOException cause) {
                failures.add(cause);
            }
        });
        try (FlushDeferral deferral = FlushDeferral.open()) {
            log.append(batch(1, 2), 0, -1); // written, its force held back until the deferral closes
            // closing the segment's channel (as an interrupt during file IO would) makes the force fail
            log.read(0, 1 << 20, Long.MAX_VALUE, true).channel().close();
        }
        assertNotNull(failures.poll(10, TimeUnit.SECONDS), "the failed force was not told");
        assertTrue(advances.isEmpty());
        assertEquals(2, log.durableEndOffset());
        assertThrows(IOException.class, () -> log.append(batch(1, 3), 0, -1));
        assertThrows(IOException.class, () -> log.awaitDurable(3, Duration.ofSeconds(1)));
        log.close(); // without forcing again: the recovery point stays where the last good force left it
        assertEquals(2, log.durableEndOffset());
    }

    @Test
    void relaxedPolicyReturnsAtOnceAndFlushesAfterFlushMessages() throws Exception {
        PartitionLog log = open(withFlush(LogConfig.DEFAULT, 10, Long.MAX_VALUE));
        for (int i = 0; i < 3; i++) {
            log.append(batch(2, i), 0, -1);
        }
        assertTrue(log.awaitDurable(6, Duration.ZERO), "relaxed policy does not wait");
        assertEquals(0, log.durableEndOffset(), "6 unflushed messages are below flush.messages");
        log.append(batch(5, 9), 0, -1);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.durableEndOffset() == 11);
    }

    @Test
    void relaxedPolicyFlushesAfterFlushMs() throws Exception {
        PartitionLog log = open(withFlush(LogConfig.DEFAULT, Long.MAX_VALUE, 100));
        log.append(batch(2, 1), 0, -1);
        assertEquals(0, log.durableEndOffset());
        await().atMost(Duration.ofSeconds(10)).until(() -> log.durableEndOffset() == 2);
    }

    @Test
    void rolledSegmentIsForcedAndBecomesTheRecoveryPoint() throws Exception {
        PartitionLog log = open(withFlush(config(1024), Long.MAX_VALUE, Long.MAX_VALUE));
        while (PartitionLogReadWriteTest.segmentFiles(log).size() < 2) {
            log.append(batch(1, 1, 200), 0, -1);
        }
        long end = log.logEndOffset();
        await().atMost(Duration.ofSeconds(10)).until(() -> log.durableEndOffset() >= end);
        assertEquals(end, CheckpointFile.readOffset(log.dir().resolve(LogRecovery.RECOVERY_POINT_FILE))
                .orElseThrow());
    }

    @Test
    void closeForcesEverythingAndRecordsTheRecoveryPoint() throws Exception {
        PartitionLog log = open(withFlush(LogConfig.DEFAULT, Long.MAX_VALUE, Long.MAX_VALUE));
        log.append(batch(4, 1), 0, -1);
        log.close();
        assertEquals(4, log.durableEndOffset());
        assertEquals(4, CheckpointFile.readOffset(log.dir().resolve(LogRecovery.RECOVERY_POINT_FILE))
                .orElseThrow());
    }
}
