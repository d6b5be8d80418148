package io.chronik.log;

import static io.chronik.log.TestBatches.batch;
import static io.chronik.log.TestBatches.batchesOf;
import static io.chronik.log.TestBatches.config;
import static io.chronik.log.TestBatches.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

class PartitionLogReadWriteTest extends LogTestBase {

    @Test
    void appendStampsOffsetsAndLeaderEpochAndReadsBackAcrossSegmentRolls() throws Exception {
        PartitionLog log = open(config(4 * 1024));
        var expectedBases = new ArrayList<Long>();
        for (int i = 0; i < 100; i++) {
            PartitionLog.AppendResult result = log.append(batch(5, 1_000 + i), 7, -1);
            assertEquals(i * 5L, result.baseOffset());
            assertEquals(i * 5L + 4, result.lastOffset());
            assertEquals(1_000 + i, result.maxTimestamp());
            expectedBases.add(result.baseOffset());
        }
        assertEquals(500, log.logEndOffset());
        assertTrue(segmentFiles(log).size() > 3, "segments rolled: " + segmentFiles(log));

        List<RecordBatch> batches = readAll(log);
        assertEquals(expectedBases, batches.stream().map(RecordBatch::baseOffset).toList());
        for (RecordBatch b : batches) {
            assertEquals(7, b.partitionLeaderEpoch());
            assertEquals(TimestampType.CREATE_TIME, b.timestampType());
        }
    }

    @Test
    void logAppendTimeSetsTimestampTypeAndKeepsTheCrcValid() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        PartitionLog.AppendResult result = log.append(batch(3, 5), 0, 123_456);
        assertEquals(123_456, result.maxTimestamp());

        RecordBatch read = batchesOf(log.read(0, 10_000, Long.MAX_VALUE, true)).getFirst();
        assertEquals(TimestampType.LOG_APPEND_TIME, read.timestampType());
        assertEquals(123_456, read.maxTimestamp());
    }

    @Test
    void readFromTheMiddleOfABatchStartsWithThatBatch() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        for (int i = 0; i < 10; i++) {
            log.append(batch(10, i), 0, -1);
        }
        LogSlice slice = log.read(57, 1 << 20, Long.MAX_VALUE, true);
        assertEquals(50, slice.firstOffset());
        assertEquals(List.of(50L, 60L, 70L, 80L, 90L), batchesOf(slice).stream().map(RecordBatch::baseOffset).toList());
    }

    @Test
    void readAtTheLogEndReturnsAnEmptySlice() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        assertTrue(log.read(0, 100, Long.MAX_VALUE, true).isEmpty());
        log.append(batch(2, 1), 0, -1);
        LogSlice atEnd = log.read(2, 100, Long.MAX_VALUE, true);
        assertTrue(atEnd.isEmpty());
        assertEquals(2, atEnd.firstOffset());
    }

    @Test
    void readOutsideTheLogThrowsOffsetOutOfRange() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        log.append(batch(2, 1), 0, -1);
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(3, 100, Long.MAX_VALUE, true));
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(-1, 100, Long.MAX_VALUE, true));
        log.append(batch(2, 1), 0, -1);
        log.deleteRecordsBefore(2);
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(1, 100, Long.MAX_VALUE, true));
    }

    @Test
    void readRespectsMaxBytesMinOneBatchAndMaxOffset() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        int batchSize = batch(1, 1).remaining();
        for (int i = 0; i < 10; i++) {
            log.append(batch(1, i), 0, -1);
        }
        assertEquals(3, batchesOf(log.read(0, batchSize * 3 + batchSize / 2, Long.MAX_VALUE, true)).size());
        assertEquals(1, batchesOf(log.read(0, 1, Long.MAX_VALUE, true)).size(), "min one batch");
        assertTrue(log.read(0, 1, Long.MAX_VALUE, false).isEmpty(), "too small without min one batch");
        assertEquals(4, batchesOf(log.read(0, 1 << 20, 4, true)).size(), "stops below the high watermark");
        assertTrue(log.read(4, 1 << 20, 4, true).isEmpty());
    }

    @Test
    void readStaysWithinOneSegment() throws Exception {
        PartitionLog log = open(config(1024));
        for (int i = 0; i < 30; i++) {
            log.append(batch(1, i, 100), 0, -1);
        }
        LogSlice slice = log.read(0, 1 << 20, Long.MAX_VALUE, true);
        long lastInSlice = batchesOf(slice).getLast().lastOffset();
        assertTrue(lastInSlice < 29, "stopped at the segment end, last " + lastInSlice);
        assertTrue(slice.sizeInBytes() <= 1024);
        assertEquals(lastInSlice + 1, batchesOf(log.read(lastInSlice + 1, 1 << 20, Long.MAX_VALUE, true))
                .getFirst().baseOffset());
    }

    @Test
    void sparseIndexFindsEveryOffsetInALargeSegment() throws Exception {
        PartitionLog log = open(TestBatches.withIndexInterval(LogConfig.DEFAULT, 256, 1 << 20));
        for (int i = 0; i < 500; i++) {
            log.append(batch(3, i, 50), 0, -1);
        }
        for (long offset = 0; offset < 1500; offset += 7) {
            RecordBatch first = batchesOf(log.read(offset, 1, Long.MAX_VALUE, true)).getFirst();
            assertTrue(first.baseOffset() <= offset && offset <= first.lastOffset(), "offset " + offset);
        }
        assertEquals(0, java.nio.file.Files.size(log.dir().resolve(String.format("%020d.index", 0))),
                "the active segment's index is in the heap; its file is written when the segment is sealed");
    }

    @Test
    void forEachBatchVisitsEveryHeaderFromAnOffset() throws Exception {
        PartitionLog log = open(config(2048));
        for (int i = 0; i < 40; i++) {
            log.append(batch(2, i, 30), i / 10, -1);
        }
        var bases = new ArrayList<Long>();
        log.forEachBatch(31, header -> bases.add(header.baseOffset()));
        assertEquals(30L, bases.getFirst());
        assertEquals(78L, bases.getLast());
        assertEquals(25, bases.size());
    }

    @Test
    void appendRejectsBytesThatAreNotExactlyOneBatch() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT);
        ByteBuffer two = ByteBuffer.allocate(batch(1, 1).remaining() * 2).put(batch(1, 1)).put(batch(1, 1)).flip();
        assertThrows(IllegalArgumentException.class, () -> log.append(two, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> log.append(ByteBuffer.allocate(20), 0, -1));
        assertEquals(0, log.logEndOffset());
    }

    @Test
    void appendAsFollowerKeepsTheLeadersOffsetsAndEpoch() throws Exception {
        PartitionLog leader = open(LogConfig.DEFAULT);
        PartitionLog follower = open(tmp.resolve("follower"), LogConfig.DEFAULT);
        leader.append(batch(3, 1), 4, -1);
        leader.append(batch(3, 2), 5, -1);
        ByteBuffer copied = TestBatches.bytesOf(leader.read(0, 1 << 20, Long.MAX_VALUE, true));
        for (RecordBatch b : org.apache.kafka.common.record.internal.MemoryRecords.readableRecords(copied)
                .batches()) {
            ByteBuffer bytes = ByteBuffer.allocate(b.sizeInBytes());
            b.writeTo(bytes);
            follower.appendAsFollower(bytes.flip());
        }
        assertEquals(6, follower.logEndOffset());
        assertEquals(5, follower.latestEpoch());
        assertThrows(IllegalArgumentException.class, () -> follower.appendAsFollower(batch(1, 1)));
    }

    @Test
    void concurrentReadersSeeOnlyWholeBatchesWhileAppendsRoll() throws Exception {
        PartitionLog log = open(config(2048));
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        var done = new java.util.concurrent.atomic.AtomicBoolean();
        var readers = new ArrayList<Thread>();
        for (int r = 0; r < 4; r++) {
            readers.add(Thread.ofVirtual().start(() -> {
                try {
                    long offset = 0;
                    while (!done.get() || offset < log.logEndOffset()) {
                        List<RecordBatch> batches = batchesOf(log.read(offset, 1000, Long.MAX_VALUE, true));
                        for (RecordBatch b : batches) {
                            assertEquals(offset, b.baseOffset());
                            offset = b.nextOffset();
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }));
        }
        for (int i = 0; i < 500; i++) {
            log.append(batch(1 + i % 3, i, 40), 0, -1);
        }
        done.set(true);
        for (Thread reader : readers) {
            reader.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    static List<String> segmentFiles(PartitionLog log) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(log.dir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().toList();
        }
    }
}
