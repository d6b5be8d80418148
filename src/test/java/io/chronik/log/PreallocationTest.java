package io.chronik.log;

import static io.chronik.log.TestBatches.batch;
import static io.chronik.log.TestBatches.config;
import static io.chronik.log.TestBatches.readAll;
import static io.chronik.log.TestBatches.withPreallocate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PreallocationTest extends LogTestBase {

    private static final int SEGMENT_BYTES = 64 * 1024;
    private static final LogConfig PREALLOCATED = withPreallocate(config(SEGMENT_BYTES), true);

    @RegisterExtension
    final CapturedStderr stderr = new CapturedStderr();

    @Test
    void appendsLeaveAZeroFilledTailThatReadersNeverSee() throws Exception {
        PartitionLog log = open(PREALLOCATED);
        appendDurably(log, 10);
        long dataEnd = log.sizeInBytes();

        assertEquals(SEGMENT_BYTES, Files.size(segment(dir(), 0)), "zero-filled up to one chunk");
        assertTrue(isZeroFrom(segment(dir(), 0), dataEnd));
        assertEquals(10, readAll(log).size());
        assertEquals(dataEnd, log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, true).sizeInBytes());
        assertTrue(log.read(log.logEndOffset(), Integer.MAX_VALUE, Long.MAX_VALUE, true).isEmpty());
    }

    @Test
    void preallocationGrowsByChunksAndNeverPastTheSegmentSize() throws Exception {
        PartitionLog log = open(withPreallocate(config(1 << 30), true));
        log.append(batch(1, 1, 100), 0, -1);
        assertEquals(LogSegment.PREALLOCATION_CHUNK, Files.size(segment(dir(), 0)));
        while (log.sizeInBytes() <= LogSegment.PREALLOCATION_CHUNK) {
            log.append(batch(10, 1, 10_000), 0, -1);
        }
        assertEquals(2L * LogSegment.PREALLOCATION_CHUNK, Files.size(segment(dir(), 0)));

        PartitionLog small = open(tmp.resolve("small"), withPreallocate(config(2048), true));
        for (int i = 0; i < 20; i++) {
            small.append(batch(2, 1, 40), 0, -1);
        }
        for (String file : PartitionLogReadWriteTest.segmentFiles(small)) {
            assertTrue(Files.size(small.dir().resolve(file)) <= 2048, file);
        }
    }

    @Test
    void rollTrimsTheSealedSegmentToItsData() throws Exception {
        PartitionLog log = open(withPreallocate(config(2048), true));
        appendDurably(log, 30);
        List<String> files = PartitionLogReadWriteTest.segmentFiles(log);
        assertTrue(files.size() > 2, "segments rolled: " + files);

        for (String sealed : files.subList(0, files.size() - 1)) {
            Path file = dir().resolve(sealed);
            assertEquals(Files.size(file), wholeBatchBytes(file), sealed + " holds only whole batches");
        }
        Path active = dir().resolve(files.getLast());
        assertEquals(2048, Files.size(active));
        assertTrue(wholeBatchBytes(active) < 2048);
        assertEquals(30, readAll(log).size());
    }

    @Test
    void cleanCloseTrimsTheActiveSegmentAndReopensWithTheSameState() throws Exception {
        PartitionLog log = open(withPreallocate(config(2048), true));
        appendDurably(log, 30);
        long end = log.logEndOffset();
        long bytes = log.sizeInBytes();
        List<String> files = PartitionLogReadWriteTest.segmentFiles(log);
        log.close();

        for (String file : files) {
            Path path = dir().resolve(file);
            assertEquals(Files.size(path), wholeBatchBytes(path), file + " holds only whole batches");
        }
        PartitionLog reopened = open(withPreallocate(config(2048), true));
        assertEquals(end, reopened.logEndOffset());
        assertEquals(end, reopened.durableEndOffset());
        assertEquals(bytes, reopened.sizeInBytes());
        assertEquals(files, PartitionLogReadWriteTest.segmentFiles(reopened));
        assertEquals(30, readAll(reopened).size());
        assertFalse(stderr.text().contains("Recovering"), stderr.text());
    }

    @Test
    void crashWithAZeroFilledTailRecoversEveryBatchWithoutAWarning() throws Exception {
        PartitionLog log = open(PREALLOCATED);
        appendDurably(log, 12);
        long dataEnd = log.sizeInBytes();
        Path crashed = crashCopy(log);
        assertEquals(SEGMENT_BYTES, Files.size(segment(crashed, 0)));

        PartitionLog reopened = open(crashed, PREALLOCATED);
        assertEquals(24, reopened.logEndOffset());
        assertEquals(12, readAll(reopened).size());
        assertEquals(dataEnd, Files.size(segment(crashed, 0)), "zero tail truncated");
        assertFalse(stderr.text().contains("Recovering"), stderr.text());

        assertEquals(24, reopened.append(batch(1, 5), 1, -1).baseOffset());
        assertEquals(SEGMENT_BYTES, Files.size(segment(crashed, 0)), "preallocated again");
        assertEquals(13, readAll(reopened).size());
    }

    @Test
    void crashBeforeARolledSegmentsTrimIsDurableRecoversItWithoutAWarning() throws Exception {
        PartitionLog log = open(withPreallocate(config(2048), true));
        appendDurably(log, 30);
        List<String> files = PartitionLogReadWriteTest.segmentFiles(log);
        Path crashed = crashCopy(log);
        // the truncation of the first sealed segment did not reach the disk: its zero tail is back
        Path first = crashed.resolve(files.getFirst());
        long firstData = Files.size(first);
        writeAt(first, firstData, ByteBuffer.allocate((int) (2048 - firstData)));

        PartitionLog reopened = open(crashed, withPreallocate(config(2048), true));
        assertEquals(60, reopened.logEndOffset());
        assertEquals(30, readAll(reopened).size());
        assertEquals(firstData, Files.size(first));
        assertEquals(files, PartitionLogReadWriteTest.segmentFiles(reopened));
        assertFalse(stderr.text().contains("Recovering"), stderr.text());
    }

    @Test
    void tornBatchInThePreallocatedRegionIsCutOffAndEarlierBatchesSurvive() throws Exception {
        PartitionLog log = open(PREALLOCATED);
        appendDurably(log, 5);
        long dataEnd = log.sizeInBytes();
        Path crashed = crashCopy(log);
        ByteBuffer torn = batch(2, 1_000, 400);
        torn.limit(torn.limit() / 2);
        writeAt(segment(crashed, 0), dataEnd, torn);

        PartitionLog reopened = open(crashed, PREALLOCATED);
        assertEquals(10, reopened.logEndOffset());
        assertEquals(5, readAll(reopened).size());
        assertEquals(dataEnd, Files.size(segment(crashed, 0)));
        assertTrue(stderr.text().contains(segment(crashed, 0) + " at byte " + dataEnd), stderr.text());
    }

    @Test
    void truncateToThenAppendPreallocatesFromTheNewEnd() throws Exception {
        PartitionLog log = open(PREALLOCATED);
        appendDurably(log, 20);
        log.truncateTo(20);
        long dataEnd = log.sizeInBytes();
        assertEquals(dataEnd, Files.size(segment(dir(), 0)), "zero tail dropped with the batches");

        PartitionLog.AppendResult appended = log.append(batch(2, 7, 40), 1, -1);
        assertEquals(20, appended.baseOffset());
        assertTrue(log.awaitDurable(appended.lastOffset() + 1, Duration.ofSeconds(10)));
        assertEquals(SEGMENT_BYTES, Files.size(segment(dir(), 0)));
        assertTrue(isZeroFrom(segment(dir(), 0), log.sizeInBytes()));
        List<RecordBatch> batches = readAll(log);
        assertEquals(11, batches.size());
        assertEquals(20, batches.getLast().baseOffset());
    }

    @Test
    void withoutPreallocationTheFileLengthIsTheData() throws Exception {
        PartitionLog log = open(withPreallocate(PREALLOCATED, false));
        appendDurably(log, 10);
        assertEquals(log.sizeInBytes(), Files.size(segment(dir(), 0)));

        log.updateConfig(PREALLOCATED);
        log.append(batch(1, 1), 1, -1);
        assertEquals(SEGMENT_BYTES, Files.size(segment(dir(), 0)), "on from the next chunk");
        assertTrue(isZeroFrom(segment(dir(), 0), log.sizeInBytes()));
    }

    /** Appends {@code count} batches of 2 records and waits until each is durable. */
    private static void appendDurably(PartitionLog log, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            PartitionLog.AppendResult result = log.append(batch(2, 1_000 + i, 40), 1, -1);
            assertTrue(log.awaitDurable(result.lastOffset() + 1, Duration.ofSeconds(10)));
        }
    }

    /** Bytes of the batches at the start of the file, up to the first that is not a whole magic-v2 batch. */
    private static long wholeBatchBytes(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        int at = 0;
        while (bytes.limit() - at >= BatchHeader.SIZE) {
            BatchHeader header = BatchHeader.read(bytes, at);
            if (header.batchLength() < BatchScanner.MIN_BATCH_LENGTH || header.magic() != 2
                    || at + header.sizeInBytes() > bytes.limit()) {
                break;
            }
            at += header.sizeInBytes();
        }
        return at;
    }

    /** True when the file extends past {@code position} with zero bytes only. */
    private static boolean isZeroFrom(Path file, long position) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = (int) position; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return position < bytes.length;
    }
}
