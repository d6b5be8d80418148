package io.chronik.log;

import static io.chronik.log.TestBatches.batch;
import static io.chronik.log.TestBatches.config;
import static io.chronik.log.TestBatches.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CrashRecoveryTest extends LogTestBase {

    @RegisterExtension
    final CapturedStderr stderr = new CapturedStderr();

    /** Appends {@code count} batches of 2 records and waits until they are durable; returns their sizes. */
    private static List<Integer> appendDurably(PartitionLog log, int count) throws Exception {
        var sizes = new ArrayList<Integer>();
        for (int i = 0; i < count; i++) {
            ByteBuffer b = batch(2, 1_000 + i, 40);
            sizes.add(b.remaining());
            PartitionLog.AppendResult result = log.append(b, 1, -1);
            assertTrue(log.awaitDurable(result.lastOffset() + 1, Duration.ofSeconds(10)));
        }
        return sizes;
    }


    @Test
    void reopenAfterTornTailServesOnlyWholeBatches() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        List<Integer> sizes = appendDurably(log, 10);
        long fileSize = log.sizeInBytes();
        Path crashed = crashCopy(log, Map.of(String.format("%020d.log", 0), fileSize - sizes.getLast() / 2));

        PartitionLog reopened = open(crashed, LogConfig.DEFAULT);
        assertEquals(18, reopened.logEndOffset());
        assertEquals(9, readAll(reopened).size());
        assertEquals(fileSize - sizes.getLast(), Files.size(segment(crashed, 0)));
        assertTrue(stderr.text().contains(segment(crashed, 0).toString()), stderr.text());
        assertTrue(stderr.text().contains("byte " + (fileSize - sizes.getLast())), stderr.text());

        assertEquals(18, reopened.append(batch(1, 5), 1, -1).baseOffset());
        assertEquals(10, readAll(reopened).size());
    }

    @Test
    void zeroFilledTailIsCutOffWithoutAWarning() throws Exception {
        PartitionLog log = open(TestBatches.withPreallocate(LogConfig.DEFAULT, false));
        appendDurably(log, 5);
        long dataEnd = log.sizeInBytes();
        Path crashed = crashCopy(log, Map.of());
        writeAt(segment(crashed, 0), dataEnd, ByteBuffer.allocate(4096));

        PartitionLog reopened = open(crashed, LogConfig.DEFAULT);
        assertEquals(10, reopened.logEndOffset());
        assertEquals(5, readAll(reopened).size());
        assertEquals(dataEnd, Files.size(segment(crashed, 0)));
        assertFalse(stderr.text().contains("Recovering"), stderr.text());
    }

    @Test
    void garbageAfterTheLastBatchIsCutOff() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        appendDurably(log, 5);
        Path crashed = crashCopy(log, Map.of());
        byte[] garbage = new byte[300];
        new java.util.Random(42).nextBytes(garbage);
        writeAt(segment(crashed, 0), log.sizeInBytes(), ByteBuffer.wrap(garbage));

        PartitionLog reopened = open(crashed, LogConfig.DEFAULT);
        assertEquals(10, reopened.logEndOffset());
        assertEquals(5, readAll(reopened).size());
        assertTrue(reopened.read(10, 1000, Long.MAX_VALUE, true).isEmpty());
    }

    @Test
    void corruptCrcInTheMiddleTruncatesThereAndWarns() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        List<Integer> sizes = appendDurably(log, 10);
        Path crashed = crashCopy(log, Map.of());
        long fifthBatch = sizes.subList(0, 4).stream().mapToLong(Integer::longValue).sum();
        writeAt(segment(crashed, 0), fifthBatch + sizes.get(4) - 3, ByteBuffer.wrap(new byte[] {'X'}));

        PartitionLog reopened = open(crashed, LogConfig.DEFAULT);
        assertEquals(8, reopened.logEndOffset());
        assertEquals(4, readAll(reopened).size());
        assertEquals(fifthBatch, Files.size(segment(crashed, 0)));
        assertTrue(stderr.text().contains("CRC-32C mismatch") && stderr.text().contains("byte " + fifthBatch), stderr.text());
    }

    @Test
    void corruptionInAnEarlierSegmentDropsTheSegmentsAfterIt() throws Exception {
        PartitionLog log = open(config(1024));
        appendDurably(log, 40);
        var bases = new TreeMap<Long, Path>();
        try (var files = Files.list(dir())) {
            files.filter(p -> p.toString().endsWith(".log"))
                    .forEach(p -> bases.put(Long.parseLong(p.getFileName().toString().substring(0, 20)), p));
        }
        assertTrue(bases.size() >= 4, "segments: " + bases.keySet());
        Path crashed = crashCopy(log, Map.of());
        Files.delete(crashed.resolve(LogRecovery.RECOVERY_POINT_FILE));
        long second = bases.keySet().stream().skip(1).findFirst().orElseThrow();
        writeAt(segment(crashed, second), 100, ByteBuffer.wrap(new byte[] {1, 2, 3}));

        PartitionLog reopened = open(crashed, config(1024));
        List<RecordBatch> batches = readAll(reopened);
        assertEquals(second, batches.getLast().nextOffset(), "log ends before the corrupt batch");
        try (var files = Files.list(crashed)) {
            assertEquals(2, files.filter(p -> p.toString().endsWith(".log")).count());
        }
        assertTrue(stderr.text().contains("later segment"), stderr.text());
        assertEquals(second, reopened.append(batch(1, 1), 1, -1).baseOffset());
    }

    @Test
    void hardStopLosesOnlyUnforcedAppends() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        appendDurably(log, 6);
        long durableBytes = log.sizeInBytes();
        long durableEnd = log.durableEndOffset();
        for (int i = 0; i < 4; i++) {
            log.append(batch(3, 1), 1, -1);
        }
        // the disk kept the forced prefix and a part of the next write
        Path crashed = crashCopy(log, Map.of(String.format("%020d.log", 0), durableBytes + 17));

        PartitionLog reopened = open(crashed, LogConfig.DEFAULT);
        assertEquals(durableEnd, reopened.logEndOffset());
        assertEquals(durableEnd, reopened.durableEndOffset());
        assertEquals(6, readAll(reopened).size());
    }

    @Test
    void missingOrGarbledIndexFilesAreRebuilt() throws Exception {
        LogConfig config = TestBatches.withIndexInterval(config(4096), 200, 1 << 20);
        PartitionLog log = open(config);
        appendDurably(log, 60);
        long end = log.logEndOffset();
        log.close();
        List<Path> indexes;
        try (var files = Files.list(dir())) {
            indexes = files.filter(p -> p.toString().endsWith("index")).sorted().toList();
        }
        Files.delete(indexes.get(0));
        Files.delete(indexes.get(1));
        Files.write(indexes.get(2), new byte[] {1, 2, 3});
        Files.write(indexes.get(4), new byte[] {0, 0, 0, 5, 0x7f, 0, 0, 0});

        PartitionLog reopened = open(config);
        assertEquals(end, reopened.logEndOffset());
        for (long offset = 0; offset < end; offset += 3) {
            RecordBatch first = TestBatches.batchesOf(reopened.read(offset, 1, Long.MAX_VALUE, true)).getFirst();
            assertTrue(first.baseOffset() <= offset && offset <= first.lastOffset(), "offset " + offset);
        }
        assertTrue(Files.size(indexes.get(0)) > 0, "index rebuilt");
        assertEquals(0, Files.size(indexes.get(2)) % 8, "index rebuilt");
        assertFalse(stderr.text().contains("WARN"), "index rebuilds are silent: " + stderr.text());
    }

    @Test
    void cleanReopenKeepsEverythingWithoutWarnings() throws Exception {
        PartitionLog log = open(config(2048));
        appendDurably(log, 30);
        long end = log.logEndOffset();
        log.close();
        PartitionLog reopened = open(config(2048));
        assertEquals(end, reopened.logEndOffset());
        assertEquals(30, readAll(reopened).size());
        assertEquals("", stderr.text());
    }
}
