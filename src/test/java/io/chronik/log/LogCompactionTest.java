package io.chronik.log;

import static io.chronik.log.TestBatches.batchesOf;
import static io.chronik.log.TestBatches.bytesOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.kafka.compaction.KafkaRecordCompactor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Log compaction ({@link LogCleaner}, {@link CompactionPass}) with the real Kafka record compactor. */
class LogCompactionTest extends LogTestBase {

    private static final long NOW = 1_700_000_000_000L;
    private static final long DELETE_RETENTION_MS = 60_000;

    private final LogCleaner cleaner = new LogCleaner(flusher, new KafkaRecordCompactor(), Duration.ofHours(1),
            1 << 12, false);

    /** One record as a consumer sees it. */
    record Entry(long offset, String key, String value) {}

    @AfterEach
    void closeCleaner() {
        cleaner.close();
    }

    private static LogConfig compacted(int segmentBytes, boolean delete, long retentionMs) {
        LogConfig d = LogConfig.DEFAULT;
        return new LogConfig(segmentBytes, d.segmentMs(), retentionMs, -1, 1, d.flushMs(), d.indexIntervalBytes(),
                d.segmentIndexBytes(), true, delete, 0.01, 0, DELETE_RETENTION_MS, d.preallocate());
    }

    private static LogConfig withSegmentBytes(LogConfig c, int segmentBytes) {
        return new LogConfig(segmentBytes, c.segmentMs(), c.retentionMs(), c.retentionBytes(), c.flushMessages(),
                c.flushMs(), c.indexIntervalBytes(), c.segmentIndexBytes(), c.compact(), c.deleteRetention(),
                c.minCleanableDirtyRatio(), c.minCompactionLagMs(), c.deleteRetentionMs(), c.preallocate());
    }

    /** A batch of records alternating key and value (a null value is a tombstone). */
    private static ByteBuffer records(long timestamp, String... keysAndValues) {
        var simple = new SimpleRecord[keysAndValues.length / 2];
        for (int i = 0; i < simple.length; i++) {
            String value = keysAndValues[2 * i + 1];
            simple[i] = new SimpleRecord(timestamp, keysAndValues[2 * i].getBytes(StandardCharsets.UTF_8),
                    value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, simple).buffer();
    }

    private static void appendDurably(PartitionLog log, ByteBuffer batch) throws Exception {
        PartitionLog.AppendResult result = log.append(batch, 1, -1);
        assertTrue(log.awaitDurable(result.lastOffset() + 1, Duration.ofSeconds(10)));
    }

    /** Writes {@code updates} single-record batches cycling over {@code keys} keys: value "v<offset>". */
    private static void writeUpdates(PartitionLog log, int updates, int keys) throws Exception {
        for (int i = 0; i < updates; i++) {
            long offset = log.logEndOffset();
            appendDurably(log, records(NOW, "k" + (i % keys), "v" + offset));
        }
    }

    /** Every record a consumer reading from the log start sees, fetching until the reads run dry. */
    static List<Entry> consume(PartitionLog log) throws IOException {
        var entries = new ArrayList<Entry>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            List<RecordBatch> batches = batchesOf(log.read(offset, 1 << 20, Long.MAX_VALUE, true));
            if (batches.isEmpty()) {
                break;
            }
            for (RecordBatch batch : batches) {
                for (Record record : batch) {
                    entries.add(new Entry(record.offset(), string(record.key()),
                            record.hasValue() ? string(record.value()) : null));
                }
            }
            offset = batches.getLast().nextOffset();
        }
        return entries;
    }

    private static String string(ByteBuffer buffer) {
        return buffer == null ? null : StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
    }

    private static Map<String, String> latestByKey(List<Entry> entries) {
        Map<String, String> latest = new LinkedHashMap<>();
        for (Entry e : entries) {
            latest.put(e.key(), e.value());
        }
        return latest;
    }

    private static long activeBase(PartitionLog log) {
        List<LogSegment> sealed = log.cleanableSegments().sealed();
        return sealed.isEmpty() ? log.logStartOffset() : sealed.getLast().nextOffset();
    }

    @Test
    void keepsOnlyTheLatestRecordPerKeyBelowTheActiveSegmentWithOriginalOffsets() throws Exception {
        try (var slowDeletes = new LogFlusher(1, Duration.ofMinutes(1), Duration.ofMillis(20))) {
            PartitionLog log = PartitionLog.open(dir(), compacted(1024, false, -1), slowDeletes);
            try {
                keepsOnlyTheLatestRecordPerKey(log);
            } finally {
                log.close();
            }
        }
    }

    private void keepsOnlyTheLatestRecordPerKey(PartitionLog log) throws Exception {
        writeUpdates(log, 200, 5);
        List<Entry> before = consume(log);
        int segmentsBefore = log.cleanableSegments().sealed().size();
        assertTrue(segmentsBefore > 3, "several sealed segments: " + segmentsBefore);
        long activeBase = log.cleanableSegments().sealed().getLast().nextOffset();
        ByteBuffer activeBytes = bytesOf(log.read(activeBase, 1 << 20, Long.MAX_VALUE, true));
        LogSlice inFlight = log.read(0, 1 << 20, Long.MAX_VALUE, true);

        assertTrue(cleaner.clean(log, NOW));
        assertEquals(before.subList(0, 1).getFirst().offset(), batchesOf(inFlight).getFirst().baseOffset(),
                "a slice handed out before the swap stays readable (during the file delete delay)");

        List<Entry> after = consume(log);
        assertEquals(latestByKey(before), latestByKey(after), "the latest value of every key survives");
        List<Entry> belowActive = after.stream().filter(e -> e.offset() < activeBase).toList();
        assertEquals(belowActive.stream().map(Entry::key).distinct().count(), belowActive.size(),
                "one record per key below the active segment: " + belowActive);
        for (Entry e : after) {
            assertEquals("v" + e.offset(), e.value(), "offsets are preserved");
        }
        assertEquals(activeBytes, bytesOf(log.read(activeBase, 1 << 20, Long.MAX_VALUE, true)),
                "the active segment is untouched");
        assertEquals(before.stream().filter(e -> e.offset() >= activeBase).toList(),
                after.stream().filter(e -> e.offset() >= activeBase).toList());
        assertEquals(200, log.logEndOffset());
        assertEquals(0, log.logStartOffset());

        Entry kept = belowActive.getFirst();
        assertEquals(kept.offset(), batchesOf(log.read(0, 1 << 20, Long.MAX_VALUE, true)).getFirst().baseOffset(),
                "a read at a removed offset starts at the next retained batch");
        log.close();
        assertEquals(latestByKey(before), latestByKey(consume(open(log.dir(), log.config()))),
                "a reopened log serves the same view");
    }

    @Test
    void mergesSmallCompactedSegmentsAndRecoversTheGapsAfterACrash() throws Exception {
        PartitionLog log = open(compacted(1024, false, -1));
        writeUpdates(log, 200, 3);
        log.updateConfig(withSegmentBytes(log.config(), 1 << 20));
        assertTrue(cleaner.clean(log, NOW));

        assertEquals(1, log.cleanableSegments().sealed().size(), "all sealed segments merged into one");
        Map<String, String> latest = latestByKey(consume(log));
        log.close();
        Files.delete(log.dir().resolve(LogRecovery.RECOVERY_POINT_FILE));
        PartitionLog recovered = open(log.dir(), log.config());

        assertEquals(latest, latestByKey(consume(recovered)), "recovery accepts strictly increasing offsets");
        assertEquals(200, recovered.logEndOffset());
    }

    @Test
    void tombstonesStayForDeleteRetentionAfterTheirFirstCompactionThenGo() throws Exception {
        PartitionLog log = open(compacted(1024, false, -1));
        appendDurably(log, records(NOW, "gone", "old", "kept", "value"));
        appendDurably(log, records(NOW, "gone", null));
        writeUpdates(log, 60, 2);

        assertTrue(cleaner.clean(log, NOW));
        Map<String, String> first = latestByKey(consume(log));
        assertTrue(first.containsKey("gone") && first.get("gone") == null, "the tombstone is kept: " + first);
        assertEquals(List.of(), consume(log).stream().filter(e -> "old".equals(e.value())).toList());
        assertEquals(NOW + DELETE_RETENTION_MS, log.latestDeleteHorizonMs());

        cleaner.cleanRound(NOW + DELETE_RETENTION_MS - 1);
        assertTrue(latestByKey(consume(log)).containsKey("gone"), "kept until the horizon");

        cleaner.cleanRound(NOW + DELETE_RETENTION_MS);
        Map<String, String> second = latestByKey(consume(log));
        assertFalse(second.containsKey("gone"), "the tombstone is removed after delete.retention.ms: " + second);
        assertEquals("value", second.get("kept"));
        assertEquals(-1, log.latestDeleteHorizonMs());
    }

    @Test
    void compactAndDeleteApplyBoth() throws Exception {
        PartitionLog log = open(compacted(1024, true, 3_600_000));
        long old = NOW - 2 * 3_600_000;
        for (int i = 0; i < 40; i++) {
            appendDurably(log, records(old, "old" + (i % 2), "v" + log.logEndOffset()));
        }
        for (int i = 0; i < 80; i++) {
            appendDurably(log, records(NOW, "new" + (i % 3), "v" + log.logEndOffset()));
        }
        log.enforceRetention(NOW);
        long start = log.logStartOffset();
        assertTrue(start > 0, "retention deleted the expired segments");

        assertTrue(cleaner.clean(log, NOW));

        List<Entry> entries = consume(log);
        assertTrue(entries.stream().allMatch(e -> e.offset() >= start));
        List<Entry> belowActive = entries.stream().filter(e -> e.offset() < activeBase(log)).toList();
        assertEquals(belowActive.stream().map(Entry::key).distinct().count(), belowActive.size(), belowActive.toString());
        assertEquals("v119", latestByKey(entries).get("new" + (79 % 3)));
    }

    @Test
    void aSegmentNewerThanTheCompactionLagIsNotCompacted() throws Exception {
        LogConfig c = compacted(1024, false, -1);
        PartitionLog log = open(new LogConfig(c.segmentBytes(), c.segmentMs(), c.retentionMs(), c.retentionBytes(),
                c.flushMessages(), c.flushMs(), c.indexIntervalBytes(), c.segmentIndexBytes(), true, false, 0.01,
                60_000, DELETE_RETENTION_MS, c.preallocate()));
        writeUpdates(log, 100, 2);
        List<Entry> before = consume(log);

        assertEquals(0, CompactionPass.plan(log, NOW).dirtyBytes());
        cleaner.cleanRound(NOW);
        assertEquals(before, consume(log));

        cleaner.cleanRound(NOW + 60_001);
        assertTrue(consume(log).size() < before.size());
    }

    @Test
    void aFullOffsetMapCompactsInSeveralPassesWithoutLosingTheLatestValues() throws Exception {
        PartitionLog log = open(compacted(1024, false, -1));
        writeUpdates(log, 300, 40);
        Map<String, String> latest = latestByKey(consume(log));
        try (var small = new LogCleaner(flusher, new KafkaRecordCompactor(), Duration.ofHours(1), 16, false)) {
            for (int pass = 0; pass < 40 && CompactionPass.plan(log, NOW).dirtyBytes() > 0; pass++) {
                small.clean(log, NOW);
                assertEquals(latest, latestByKey(consume(log)));
            }
        }
        assertEquals(0, CompactionPass.plan(log, NOW).dirtyBytes());
    }

    @Test
    void aCrashBeforeTheSwapCommittedRollsBackToTheOldSegments() throws Exception {
        CrashScene scene = crashScene();
        copyAs(scene.compacted(), scene.crashed(), LogSegment.CLEANED_SUFFIX);

        PartitionLog recovered = open(scene.crashed(), scene.config());
        assertEquals(scene.before(), consume(recovered), "the uncompacted log, unchanged");
        assertNoPendingFiles(scene.crashed());
    }

    @Test
    void aCrashAfterTheSwapCommittedCompletesIt() throws Exception {
        CrashScene scene = crashScene();
        copyAs(scene.compacted(), scene.crashed(), LogSegment.SWAP_SUFFIX);

        PartitionLog recovered = open(scene.crashed(), scene.config());
        assertEquals(scene.after(), consume(recovered), "the compacted log");
        assertNoPendingFiles(scene.crashed());
    }

    @Test
    void aCrashHalfwayThroughReplacingTheOldSegmentsCompletesTheSwap() throws Exception {
        CrashScene scene = crashScene();
        copyAs(scene.compacted(), scene.crashed(), LogSegment.SWAP_SUFFIX);
        // the first old segment was already renamed to .deleted, and the swapped index took its live name
        Path first = LogSegment.path(scene.crashed(), 0, LogSegment.LOG_SUFFIX);
        Files.move(first, first.resolveSibling(first.getFileName() + LogSegment.DELETED_SUFFIX));
        Path swappedIndex = LogSegment.path(scene.crashed(), 0, LogSegment.INDEX_SUFFIX + LogSegment.SWAP_SUFFIX);
        Files.move(swappedIndex, LogSegment.path(scene.crashed(), 0, LogSegment.INDEX_SUFFIX),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        PartitionLog recovered = open(scene.crashed(), scene.config());
        assertEquals(scene.after(), consume(recovered));
        assertNoPendingFiles(scene.crashed());
    }

    /**
     * A log of several sealed segments, copied before compaction ({@code crashed}); the compacted segment that
     * replaced all of them ({@code compacted}, base offset 0); and what a consumer sees before and after.
     */
    private record CrashScene(Path crashed, Path compacted, LogConfig config, List<Entry> before,
            List<Entry> after) {}

    private CrashScene crashScene() throws Exception {
        LogConfig config = compacted(1024, false, -1);
        PartitionLog log = open(config);
        writeUpdates(log, 150, 4);
        List<Entry> before = consume(log);
        log.close();
        Path crashed = tmp.resolve("crashed");
        copyDir(log.dir(), crashed);

        PartitionLog compacting = open(log.dir(), withSegmentBytes(config, 1 << 20));
        assertTrue(cleaner.clean(compacting, NOW));
        assertEquals(1, compacting.cleanableSegments().sealed().size());
        List<Entry> after = consume(compacting);
        compacting.close();
        assertFalse(before.equals(after));
        return new CrashScene(crashed, log.dir(), config, before, after);
    }

    /** Copies segment 0's three files of {@code from} into {@code to} under their names plus {@code suffix}. */
    private static void copyAs(Path from, Path to, String suffix) throws IOException {
        for (String name : new String[] {LogSegment.LOG_SUFFIX, LogSegment.INDEX_SUFFIX,
                LogSegment.TIME_INDEX_SUFFIX}) {
            Path source = LogSegment.path(from, 0, name);
            Files.copy(source, to.resolve(source.getFileName() + suffix));
        }
    }

    private static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    private static void assertNoPendingFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> pending = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(LogSegment.CLEANED_SUFFIX) || n.endsWith(LogSegment.SWAP_SUFFIX)
                            || n.endsWith(LogSegment.DELETED_SUFFIX))
                    .toList();
            assertEquals(List.of(), pending);
        }
    }
}
