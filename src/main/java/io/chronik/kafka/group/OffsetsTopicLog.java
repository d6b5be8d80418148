package io.chronik.kafka.group;

import io.chronik.broker.Partition;
import io.chronik.broker.ProduceResult;
import io.chronik.broker.ReplicaManager;
import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import io.chronik.group.GroupLog;
import io.chronik.group.GroupRecord;
import io.chronik.log.BatchHeader;
import io.chronik.log.LogSlice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * The coordinator's {@link GroupLog} on the partitions of {@code __consumer_offsets}: each append is one standard
 * magic-v2 batch (no compression, CreateTime, no producer id) built with kafka-clients' {@link MemoryRecords} and
 * appended through the broker's {@link Partition} like any produce, so it shares the log's durability and group
 * commit; it completes once the high watermark passed the batch. Replay reads the partition's batches below the high
 * watermark back through kafka-clients. Record keys and values: {@link GroupRecordCodec}. Thread-safe.
 */
final class OffsetsTopicLog implements GroupLog {

    static final String TOPIC = "__consumer_offsets";
    private static final int REPLAY_CHUNK_BYTES = 1 << 20;

    private final ReplicaManager replicas;
    private final long commitTimeoutMs;

    OffsetsTopicLog(ReplicaManager replicas, long commitTimeoutMs) {
        this.replicas = replicas;
        this.commitTimeoutMs = commitTimeoutMs;
    }

    @Override
    public CompletableFuture<Long> append(int partition, List<GroupRecord> records) {
        Partition p;
        try {
            p = replicas.leaderPartition(new TopicPartition(TOPIC, partition));
        } catch (ChronikException e) {
            return CompletableFuture.failedFuture(e);
        }
        ByteBuffer batch = encode(records);
        switch (p.append(batch, BatchHeader.read(batch))) {
            case ProduceResult.Rejected r -> {
                return CompletableFuture.failedFuture(new ChronikException(r.error(), r.message()));
            }
            case ProduceResult.Appended a -> {
                return p.awaitHighWatermark(a.lastOffset() + 1, commitTimeoutMs).thenCompose(error ->
                        error == ErrorCode.NONE ? CompletableFuture.completedFuture(a.baseOffset())
                                : CompletableFuture.failedFuture(new ChronikException(error,
                                        "Writing to " + p.topicPartition() + " failed: " + error)));
            }
        }
    }

    static ByteBuffer encode(List<GroupRecord> records) {
        int estimate = 128;
        byte[][] keys = new byte[records.size()][];
        byte[][] values = new byte[records.size()][];
        for (int i = 0; i < records.size(); i++) {
            keys[i] = GroupRecordCodec.key(records.get(i));
            values[i] = GroupRecordCodec.value(records.get(i));
            estimate += keys[i].length + (values[i] == null ? 0 : values[i].length) + 32;
        }
        long now = System.currentTimeMillis();
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(estimate), RecordBatch.CURRENT_MAGIC_VALUE,
                Compression.NONE, TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < records.size(); i++) {
            builder.append(now, keys[i], values[i]);
        }
        return builder.build().buffer();
    }

    @Override
    public void replay(int partition, RecordSink sink) throws IOException {
        Partition p = replicas.leaderPartition(new TopicPartition(TOPIC, partition));
        long offset = p.logStartOffset();
        while (offset < p.highWatermark()) {
            LogSlice slice = p.read(offset, REPLAY_CHUNK_BYTES, true).slice();
            if (slice.isEmpty()) {
                break;
            }
            ByteBuffer buffer = ByteBuffer.allocate(slice.sizeInBytes());
            while (buffer.hasRemaining() && slice.channel().read(buffer, slice.position() + buffer.position()) >= 0) {
                // keep reading until the slice is in memory
            }
            buffer.flip();
            long next = offset;
            for (MutableRecordBatch batch : MemoryRecords.readableRecords(buffer).batches()) {
                next = batch.nextOffset();
                if (batch.isControlBatch()) {
                    continue;
                }
                try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                    while (it.hasNext()) {
                        Record r = it.next();
                        if (r.offset() < offset || !r.hasKey()) {
                            continue;
                        }
                        sink.accept(r.offset(), GroupRecordCodec.decode(bytes(r.key()), r.hasValue()
                                ? bytes(r.value()) : null));
                    }
                }
            }
            if (next <= offset) {
                break;
            }
            offset = next;
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
