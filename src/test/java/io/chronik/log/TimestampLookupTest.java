package io.chronik.log;

import static io.chronik.log.TestBatches.batch;
import static io.chronik.log.TestBatches.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TimestampLookupTest extends LogTestBase {

    private static final LogConfig SMALL = TestBatches.withIndexInterval(config(2048), 150, 1 << 20);

    private PartitionLog logWithTimestamps(long... timestamps) throws Exception {
        PartitionLog log = open(SMALL);
        for (int i = 0; i < timestamps.length; i++) {
            log.append(batch(2, timestamps[i], 60), i / 10, -1);
        }
        return log;
    }

    @Test
    void offsetForTimestampFindsTheFirstBatchAtOrAfterIt() throws Exception {
        long[] timestamps = new long[100];
        for (int i = 0; i < timestamps.length; i++) {
            timestamps[i] = 1_000 + 10L * i;
        }
        PartitionLog log = logWithTimestamps(timestamps);
        assertEquals(new PartitionLog.TimestampOffset(1_000, 0, 0), log.offsetForTimestamp(0).orElseThrow());
        assertEquals(new PartitionLog.TimestampOffset(1_500, 100, 5), log.offsetForTimestamp(1_500).orElseThrow());
        assertEquals(new PartitionLog.TimestampOffset(1_510, 102, 5), log.offsetForTimestamp(1_501).orElseThrow());
        assertEquals(new PartitionLog.TimestampOffset(1_990, 198, 9), log.offsetForTimestamp(1_990).orElseThrow());
        assertEquals(Optional.empty(), log.offsetForTimestamp(1_991));
    }

    @Test
    void outOfOrderTimestampsReturnTheFirstBatchWhoseMaxTimestampQualifies() throws Exception {
        PartitionLog log = logWithTimestamps(100, 500, 200, 600, 300, 700);
        assertEquals(2, log.offsetForTimestamp(300).orElseThrow().offset());
        assertEquals(500, log.offsetForTimestamp(300).orElseThrow().timestamp());
        assertEquals(6, log.offsetForTimestamp(550).orElseThrow().offset());
    }

    @Test
    void offsetForTimestampIgnoresRecordsBelowTheLogStart() throws Exception {
        PartitionLog log = logWithTimestamps(100, 200, 300, 400);
        log.deleteRecordsBefore(5);
        assertEquals(new PartitionLog.TimestampOffset(300, 5, 0), log.offsetForTimestamp(0).orElseThrow());
    }

    @Test
    void maxTimestampIsTheLargestBatchTimestampAndSurvivesReopen() throws Exception {
        PartitionLog log = logWithTimestamps(100, 900, 300, 900, 200, 400, 500, 600, 700, 800, 850, 10, 20, 30);
        assertEquals(new PartitionLog.TimestampOffset(900, 2, 0), log.maxTimestamp().orElseThrow());
        log.close();
        PartitionLog reopened = open(SMALL);
        assertEquals(new PartitionLog.TimestampOffset(900, 2, 0), reopened.maxTimestamp().orElseThrow());
        assertEquals(new PartitionLog.TimestampOffset(900, 2, 0), reopened.offsetForTimestamp(850).orElseThrow());
    }

    @Test
    void emptyLogHasNoTimestamps() throws Exception {
        PartitionLog log = open(SMALL);
        assertTrue(log.maxTimestamp().isEmpty());
        assertTrue(log.offsetForTimestamp(0).isEmpty());
    }
}
