package io.chronik.log;

import static io.chronik.log.TestBatches.batch;
import static io.chronik.log.TestBatches.config;
import static io.chronik.log.TestBatches.withFlush;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
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
