package io.chronik.log;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Real magic-v2 batches built with kafka-clients, and helpers to read slices back (tests only). */
final class TestBatches {

    private TestBatches() {
    }

    /** A batch of {@code records} records, all with {@code timestamp}, each value {@code valueSize} bytes. */
    static ByteBuffer batch(int records, long timestamp, int valueSize) {
        var simple = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            byte[] value = new byte[valueSize];
            Arrays.fill(value, (byte) ('a' + i % 26));
            simple[i] = new SimpleRecord(timestamp, ("key-" + i).getBytes(StandardCharsets.UTF_8), value);
        }
        return MemoryRecords.withRecords(Compression.NONE, simple).buffer();
    }

    static ByteBuffer batch(int records, long timestamp) {
        return batch(records, timestamp, 10);
    }

    /** The bytes of a slice, copied through {@link LogSlice#transferTo}. */
    static ByteBuffer bytesOf(LogSlice slice) throws IOException {
        var out = new ByteArrayOutputStream();
        var target = Channels.newChannel(out);
        long done = 0;
        while (done < slice.sizeInBytes()) {
            long written = slice.transferTo(done, slice.sizeInBytes() - done, target);
            if (written <= 0) {
                throw new IOException("transferTo made no progress at " + done);
            }
            done += written;
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    /** The batches of a slice, each CRC-checked by kafka-clients. */
    static List<RecordBatch> batchesOf(LogSlice slice) throws IOException {
        var batches = new ArrayList<RecordBatch>();
        for (var batch : MemoryRecords.readableRecords(bytesOf(slice)).batches()) {
            batch.ensureValid();
            batches.add(batch);
        }
        return batches;
    }

    /** Every batch of the log from its start, reading slice after slice. */
    static List<RecordBatch> readAll(PartitionLog log) throws IOException {
        var all = new ArrayList<RecordBatch>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            List<RecordBatch> batches = batchesOf(log.read(offset, 1 << 20, Long.MAX_VALUE, true));
            if (batches.isEmpty()) {
                throw new AssertionError("empty read at " + offset + " below the log end " + log.logEndOffset());
            }
            all.addAll(batches);
            offset = batches.getLast().nextOffset();
        }
        return all;
    }

    static LogConfig config(int segmentBytes) {
        LogConfig d = LogConfig.DEFAULT;
        return new LogConfig(segmentBytes, d.segmentMs(), d.retentionMs(), d.retentionBytes(), d.flushMessages(),
                d.flushMs(), d.indexIntervalBytes(), d.segmentIndexBytes(), false, true, d.minCleanableDirtyRatio(),
                d.minCompactionLagMs(), d.deleteRetentionMs(), d.preallocate());
    }

    static LogConfig withIndexInterval(LogConfig c, int indexIntervalBytes, int segmentIndexBytes) {
        return new LogConfig(c.segmentBytes(), c.segmentMs(), c.retentionMs(), c.retentionBytes(), c.flushMessages(),
                c.flushMs(), indexIntervalBytes, segmentIndexBytes, c.compact(), c.deleteRetention(),
                c.minCleanableDirtyRatio(), c.minCompactionLagMs(), c.deleteRetentionMs(), c.preallocate());
    }

    static LogConfig withRetention(LogConfig c, long segmentMs, long retentionMs, long retentionBytes,
            boolean deleteRetention) {
        return new LogConfig(c.segmentBytes(), segmentMs, retentionMs, retentionBytes, c.flushMessages(),
                c.flushMs(), c.indexIntervalBytes(), c.segmentIndexBytes(), !deleteRetention, deleteRetention,
                c.minCleanableDirtyRatio(), c.minCompactionLagMs(), c.deleteRetentionMs(), c.preallocate());
    }

    static LogConfig withPreallocate(LogConfig c, boolean preallocate) {
        return new LogConfig(c.segmentBytes(), c.segmentMs(), c.retentionMs(), c.retentionBytes(), c.flushMessages(),
                c.flushMs(), c.indexIntervalBytes(), c.segmentIndexBytes(), c.compact(), c.deleteRetention(),
                c.minCleanableDirtyRatio(), c.minCompactionLagMs(), c.deleteRetentionMs(), preallocate);
    }

    static LogConfig withFlush(LogConfig c, long flushMessages, long flushMs) {
        return new LogConfig(c.segmentBytes(), c.segmentMs(), c.retentionMs(), c.retentionBytes(), flushMessages,
                flushMs, c.indexIntervalBytes(), c.segmentIndexBytes(), c.compact(), c.deleteRetention(),
                c.minCleanableDirtyRatio(), c.minCompactionLagMs(), c.deleteRetentionMs(), c.preallocate());
    }
}
