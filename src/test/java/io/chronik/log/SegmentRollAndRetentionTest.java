package io.chronik.log;

import static io.chronik.log.PartitionLogReadWriteTest.segmentFiles;
import static io.chronik.log.TestBatches.batch;
import static io.chronik.log.TestBatches.batchesOf;
import static io.chronik.log.TestBatches.config;
import static io.chronik.log.TestBatches.readAll;
import static io.chronik.log.TestBatches.withRetention;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentRollAndRetentionTest extends LogTestBase {

    private static final long HOUR = 3_600_000;
    private final long now = System.currentTimeMillis();

    @Test
    void rollsBeforeASegmentWouldExceedSegmentBytes() throws Exception {
        PartitionLog log = open(config(1024));
        int batchSize = batch(1, 1, 200).remaining();
        for (int i = 0; i < 20; i++) {
            log.append(batch(1, 1, 200), 0, -1);
        }
        int perSegment = 1024 / batchSize;
        assertEquals((20 + perSegment - 1) / perSegment, segmentFiles(log).size());
        try (var files = Files.list(log.dir())) {
            for (var file : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                assertTrue(Files.size(file) <= 1024, file + " is " + Files.size(file) + " bytes");
            }
        }
        assertEquals(20L * batchSize, log.sizeInBytes());
    }

    @Test
    void rollsWhenABatchIsSegmentMsNewerThanTheSegmentsFirstBatch() throws Exception {
        PartitionLog log = open(withRetention(LogConfig.DEFAULT, 1_000, -1, -1, true));
        log.append(batch(1, 10_000), 0, -1);
        log.append(batch(1, 10_900), 0, -1);
        assertEquals(1, segmentFiles(log).size());
        log.append(batch(1, 11_001), 0, -1);
        assertEquals(List.of(String.format("%020d.log", 0), String.format("%020d.log", 2)), segmentFiles(log));
    }

    @Test
    void enforceRetentionRollsAnActiveSegmentOlderThanSegmentMs() throws Exception {
        PartitionLog log = open(withRetention(LogConfig.DEFAULT, HOUR, -1, -1, true));
        log.append(batch(2, now - 2 * HOUR), 0, -1);
        log.enforceRetention(now);
        assertEquals(2, segmentFiles(log).size());
        log.enforceRetention(now);
        assertEquals(2, segmentFiles(log).size(), "an empty active segment is not rolled");
    }

    @Test
    void rollsWhenTheOffsetIndexIsFull() throws Exception {
        PartitionLog log = open(TestBatches.withIndexInterval(LogConfig.DEFAULT, 1, 4 * OffsetIndex.ENTRY_SIZE));
        for (int i = 0; i < 12; i++) {
            log.append(batch(1, 5), 0, -1);
        }
        assertEquals(List.of(String.format("%020d.log", 0), String.format("%020d.log", 5),
                String.format("%020d.log", 10)), segmentFiles(log));
        assertEquals(12, readAll(log).size());
    }

    @Test
    void timeRetentionDeletesOnlyExpiredClosedSegments() throws Exception {
        PartitionLog log = open(withRetention(config(1024), Long.MAX_VALUE, HOUR, -1, true));
        for (int i = 0; i < 20; i++) {
            log.append(batch(1, now - 3 * HOUR, 200), 0, -1);
        }
        for (int i = 0; i < 20; i++) {
            log.append(batch(1, now, 200), 0, -1);
        }
        log.enforceRetention(now);
        assertTrue(log.logStartOffset() > 0 && log.logStartOffset() <= 20, "start " + log.logStartOffset());
        assertTrue(readAll(log).stream().allMatch(b -> b.maxTimestamp() == now || b.baseOffset() < 20));
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(0, 100, Long.MAX_VALUE, true));
        assertEquals(log.logStartOffset(), CheckpointFile.readOffset(log.dir().resolve(
                LogRecovery.LOG_START_OFFSET_FILE)).orElseThrow());
        await().atMost(Duration.ofSeconds(10)).until(() -> deletedFiles(log) == 0);
        assertTrue(!segmentFiles(log).contains(String.format("%020d.log", 0)));
    }

    @Test
    void expiredActiveSegmentIsRolledAndDeleted() throws Exception {
        PartitionLog log = open(withRetention(LogConfig.DEFAULT, Long.MAX_VALUE, HOUR, -1, true));
        log.append(batch(3, now - 2 * HOUR), 0, -1);
        log.enforceRetention(now);
        assertEquals(3, log.logStartOffset());
        assertEquals(3, log.logEndOffset());
        assertTrue(log.read(3, 100, Long.MAX_VALUE, true).isEmpty());
        assertEquals(3, log.append(batch(1, now), 0, -1).baseOffset());
    }

    @Test
    void sizeRetentionDeletesOldestSegmentsWhileTheRestStaysAboveTheLimit() throws Exception {
        PartitionLog log = open(withRetention(config(1024), Long.MAX_VALUE, -1, 2048, true));
        for (int i = 0; i < 40; i++) {
            log.append(batch(1, now, 200), 0, -1);
        }
        long before = log.sizeInBytes();
        log.enforceRetention(now);
        assertTrue(log.sizeInBytes() >= 2048 && log.sizeInBytes() < before, "size " + log.sizeInBytes());
        assertTrue(log.sizeInBytes() - 1024 < 2048, "deleted as much as allowed");
        assertEquals(readAll(log).getFirst().baseOffset(), log.logStartOffset());
    }

    @Test
    void compactOnlyTopicIgnoresDeleteRetention() throws Exception {
        PartitionLog log = open(withRetention(config(1024), Long.MAX_VALUE, HOUR, 100, false));
        for (int i = 0; i < 20; i++) {
            log.append(batch(1, now - 3 * HOUR, 200), 0, -1);
        }
        log.enforceRetention(now);
        assertEquals(0, log.logStartOffset());
    }

    @Test
    void deleteRecordsBeforeIsDurableAcrossReopen() throws Exception {
        PartitionLog log = open(config(1024));
        for (int i = 0; i < 30; i++) {
            log.append(batch(1, now, 200), 0, -1);
        }
        int segmentsBefore = segmentFiles(log).size();
        assertEquals(17, log.deleteRecordsBefore(17));
        assertEquals(17, log.deleteRecordsBefore(5), "never moves back");
        assertTrue(segmentFiles(log).size() < segmentsBefore);
        assertThrows(OffsetOutOfRangeException.class, () -> log.deleteRecordsBefore(31));
        log.close();

        PartitionLog reopened = open(config(1024));
        assertEquals(17, reopened.logStartOffset());
        assertThrows(OffsetOutOfRangeException.class, () -> reopened.read(16, 100, Long.MAX_VALUE, true));
        assertEquals(17, batchesOf(reopened.read(17, 100, Long.MAX_VALUE, true)).getFirst().baseOffset());
    }

    @Test
    void sliceOfADeletedSegmentStaysReadableUntilTheDeleteDelay() throws Exception {
        PartitionLog log = open(config(1024));
        for (int i = 0; i < 20; i++) {
            log.append(batch(1, now, 200), 0, -1);
        }
        LogSlice inFlight = log.read(0, 1 << 20, Long.MAX_VALUE, true);
        log.deleteRecordsBefore(19);
        assertEquals(0, batchesOf(inFlight).getFirst().baseOffset());
        assertTrue(deletedFiles(log) > 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> deletedFiles(log) == 0);
    }

    private static long deletedFiles(PartitionLog log) throws Exception {
        try (var files = Files.list(log.dir())) {
            return files.filter(p -> p.toString().endsWith(LogSegment.DELETED_SUFFIX)).count();
        }
    }
}
