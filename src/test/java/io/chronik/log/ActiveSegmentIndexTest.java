package io.chronik.log;

import static io.chronik.log.TestBatches.batch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

/**
 * The active segment's indexes live in the heap only (their files stay empty); sealing writes them in one go, equal
 * to what recovery rebuilds; a clean close, a crash with stale index files and truncation keep every lookup right.
 */
class ActiveSegmentIndexTest extends LogTestBase {

    /** About 90 batches of {@link #append} per segment, an index entry after nearly every batch. */
    private static final LogConfig CONFIG = TestBatches.withIndexInterval(TestBatches.config(16 * 1024), 150, 1 << 20);

    /** A batch this test appended: its offsets and its (only) timestamp. */
    private record Appended(long baseOffset, long lastOffset, long timestamp) {}

    private final List<Appended> appended = new ArrayList<>();

    private void append(PartitionLog log, int count, long firstTimestamp, int valueSize) throws Exception {
        for (int i = 0; i < count; i++) {
            long timestamp = firstTimestamp + 10L * i;
            PartitionLog.AppendResult result = log.append(batch(2, timestamp, valueSize), 1, -1);
            appended.add(new Appended(result.baseOffset(), result.lastOffset(), timestamp));
        }
        assertTrue(log.awaitDurable(log.logEndOffset(), Duration.ofSeconds(10)));
    }

    private void forgetFrom(long offset) {
        appended.removeIf(batch -> batch.lastOffset() >= offset);
    }

    /** Every offset reads the batch holding it; every timestamp finds the first batch reaching it. */
    private void assertLookupsWork(PartitionLog log) throws IOException {
        assertEquals(appended.getLast().lastOffset() + 1, log.logEndOffset());
        for (Appended batch : appended) {
            for (long offset : new long[] {batch.baseOffset(), batch.lastOffset()}) {
                RecordBatch first = TestBatches.batchesOf(log.read(offset, 1, Long.MAX_VALUE, true)).getFirst();
                assertEquals(batch.baseOffset(), first.baseOffset(), "read at " + offset);
            }
            for (long timestamp : new long[] {batch.timestamp() - 5, batch.timestamp()}) {
                Appended expected = appended.stream().filter(b -> b.timestamp() >= timestamp).findFirst().get();
                PartitionLog.TimestampOffset found = log.offsetForTimestamp(timestamp).orElseThrow();
                assertEquals(expected.timestamp(), found.timestamp(), "timestamp " + timestamp);
                assertEquals(expected.baseOffset(), found.offset(), "timestamp " + timestamp);
            }
        }
        assertEquals(Optional.empty(), log.offsetForTimestamp(appended.getLast().timestamp() + 1));
    }

    private static List<Long> segmentBases(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(LogSegment.LOG_SUFFIX))
                    .map(n -> Long.parseLong(n.substring(0, n.indexOf('.')))).sorted().toList();
        }
    }

    private static byte[] bytes(Path dir, long base, String suffix) throws IOException {
        return Files.readAllBytes(LogSegment.path(dir, base, suffix));
    }

    private static void assertActiveIndexFilesEmpty(Path dir) throws IOException {
        long active = segmentBases(dir).getLast();
        assertEquals(0, Files.size(LogSegment.path(dir, active, LogSegment.INDEX_SUFFIX)), "active .index");
        assertEquals(0, Files.size(LogSegment.path(dir, active, LogSegment.TIME_INDEX_SUFFIX)), "active .timeindex");
    }

    /** Every sealed segment's index files are non-empty and byte for byte what recovery builds from its data. */
    private void assertSealedIndexesMatchRebuilt(Path dir) throws IOException {
        List<Long> bases = segmentBases(dir);
        assertTrue(bases.size() > 1, "the log rolled");
        for (long base : bases.subList(0, bases.size() - 1)) {
            Path rebuiltDir = Files.createDirectories(tmp.resolve("rebuilt-" + System.nanoTime()));
            Files.copy(LogSegment.path(dir, base, LogSegment.LOG_SUFFIX),
                    LogSegment.path(rebuiltDir, base, LogSegment.LOG_SUFFIX));
            LogSegment rebuilt = LogSegment.open(rebuiltDir, base, CONFIG);
            assertEquals(Optional.empty(), rebuilt.recover(BatchScanner.NEVER_VERIFY, header -> { }));
            rebuilt.seal();
            rebuilt.close();
            for (String suffix : new String[] {LogSegment.INDEX_SUFFIX, LogSegment.TIME_INDEX_SUFFIX}) {
                byte[] written = bytes(dir, base, suffix);
                assertTrue(written.length > 0, "segment " + base + suffix + " written at seal");
                assertArrayEquals(bytes(rebuiltDir, base, suffix), written, "segment " + base + suffix);
            }
        }
    }

    @Test
    void appendsLeaveTheActiveIndexFilesEmptyWhileLookupsUseTheHeapIndex() throws Exception {
        PartitionLog log = open(CONFIG);
        append(log, 40, 1_000, 40);
        assertEquals(1, segmentBases(dir()).size());
        assertActiveIndexFilesEmpty(dir());
        assertLookupsWork(log);

        // Make the first batch unreadable: lookups past the first index entry start beyond it, so they can only
        // succeed by using the heap index, while a read from the segment start now fails.
        try (var channel = FileChannel.open(LogSegment.path(dir(), 0, LogSegment.LOG_SUFFIX),
                StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {0x7f}), 16); // magic
        }
        assertEquals(60, TestBatches.batchesOf(log.read(61, 1, Long.MAX_VALUE, true)).getFirst().baseOffset());
        assertEquals(60, log.offsetForTimestamp(1_300).orElseThrow().offset());
        assertThrows(IOException.class, () -> log.read(0, 1, Long.MAX_VALUE, true));
    }

    @Test
    void rollingWritesSealedIndexesEqualToWhatRecoveryBuilds() throws Exception {
        PartitionLog log = open(CONFIG);
        append(log, 250, 1_000, 40);
        assertTrue(segmentBases(dir()).size() >= 3, "segments: " + segmentBases(dir()));
        assertSealedIndexesMatchRebuilt(dir());
        assertActiveIndexFilesEmpty(dir());
        assertLookupsWork(log);
    }

    @Test
    void cleanCloseLeavesEmptyActiveIndexFilesAndReopenServesLookups() throws Exception {
        PartitionLog log = open(CONFIG);
        append(log, 150, 1_000, 40);
        log.close();
        assertSealedIndexesMatchRebuilt(dir());
        assertActiveIndexFilesEmpty(dir());

        PartitionLog reopened = open(CONFIG);
        assertLookupsWork(reopened);
        assertActiveIndexFilesEmpty(dir());
        int segments = segmentBases(dir()).size();
        append(reopened, 100, 5_000, 40);
        assertTrue(segmentBases(dir()).size() > segments, "the reopened active segment rolled");
        assertSealedIndexesMatchRebuilt(dir());
        assertLookupsWork(reopened);
    }

    @Test
    void crashWithStaleActiveIndexFilesRecoversCorrectLookups() throws Exception {
        PartitionLog log = open(CONFIG);
        append(log, 150, 1_000, 40);
        byte[] staleIndex = bytes(dir(), 0, LogSegment.INDEX_SUFFIX);
        byte[] staleTimeIndex = bytes(dir(), 0, LogSegment.TIME_INDEX_SUFFIX);
        // Truncation makes segment 0 active again; new batches of another size land where the old entries point.
        log.truncateTo(40);
        forgetFrom(40);
        assertEquals(List.of(0L), segmentBases(dir()));
        assertActiveIndexFilesEmpty(dir());
        append(log, 30, 5_000, 75);

        // A crash loses the truncation of the index files: they still hold the sealed segment's longer entries.
        Path crashed = Files.createDirectories(tmp.resolve("crashed"));
        try (Stream<Path> files = Files.list(dir())) {
            for (Path file : files.toList()) {
                Files.copy(file, crashed.resolve(file.getFileName()));
            }
        }
        Files.write(LogSegment.path(crashed, 0, LogSegment.INDEX_SUFFIX), staleIndex);
        Files.write(LogSegment.path(crashed, 0, LogSegment.TIME_INDEX_SUFFIX), staleTimeIndex);

        PartitionLog recovered = open(crashed, CONFIG);
        assertLookupsWork(recovered);
        assertActiveIndexFilesEmpty(crashed);
        append(recovered, 150, 9_000, 40);
        assertSealedIndexesMatchRebuilt(crashed);
        assertLookupsWork(recovered);
    }

    @Test
    void sealedIndexesCutShortAreRebuiltOnOpen() throws Exception {
        PartitionLog log = open(CONFIG);
        append(log, 250, 1_000, 40);
        Path crashed = Files.createDirectories(tmp.resolve("crashed"));
        try (Stream<Path> files = Files.list(dir())) {
            for (Path file : files.toList()) {
                Files.copy(file, crashed.resolve(file.getFileName()));
            }
        }
        // Below the recovery point, but damaged: loading them as sealed fails their checks
        List<Long> bases = segmentBases(crashed);
        assertTrue(bases.size() >= 3, "segments: " + bases);
        Path index = LogSegment.path(crashed, bases.get(0), LogSegment.INDEX_SUFFIX);
        Files.write(index, Arrays.copyOf(Files.readAllBytes(index), 5 * OffsetIndex.ENTRY_SIZE));
        Files.write(LogSegment.path(crashed, bases.get(1), LogSegment.TIME_INDEX_SUFFIX), new byte[0]);

        PartitionLog recovered = open(crashed, CONFIG);
        assertLookupsWork(recovered);
        assertSealedIndexesMatchRebuilt(crashed);
    }

    @Test
    void truncatingTheActiveSegmentKeepsItsHeapIndexRight() throws Exception {
        PartitionLog log = open(CONFIG);
        append(log, 40, 1_000, 40);
        log.truncateTo(51);
        forgetFrom(51);
        assertEquals(50, log.logEndOffset());
        assertActiveIndexFilesEmpty(dir());
        assertLookupsWork(log);
        assertEquals(Optional.empty(), log.offsetForTimestamp(1_250), "the truncated batches' timestamps are gone");

        append(log, 30, 3_000, 75);
        assertActiveIndexFilesEmpty(dir());
        assertLookupsWork(log);
        assertEquals(50, log.offsetForTimestamp(1_245).orElseThrow().offset());

        append(log, 150, 6_000, 40);
        assertSealedIndexesMatchRebuilt(dir());
        assertLookupsWork(log);
    }

    @Test
    void truncatingIntoASealedSegmentMakesItActiveWithEmptyIndexFiles() throws Exception {
        PartitionLog log = open(CONFIG);
        append(log, 150, 1_000, 40);
        log.truncateTo(100);
        forgetFrom(100);
        assertEquals(List.of(0L), segmentBases(dir()));
        assertActiveIndexFilesEmpty(dir());
        assertLookupsWork(log);

        append(log, 150, 5_000, 40);
        assertSealedIndexesMatchRebuilt(dir());
        assertActiveIndexFilesEmpty(dir());
        assertLookupsWork(log);
    }
}
