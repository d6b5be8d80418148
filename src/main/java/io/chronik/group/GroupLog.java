package io.chronik.group;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The durable log of the coordinator's state: one log per offsets partition ({@code __consumer_offsets}).
 * Implemented by the kafka layer on top of the broker's partition logs.
 */
public interface GroupLog {

    /**
     * Appends {@code records} to offsets partition {@code partition} as one batch, on the calling thread (so appends
     * keep call order). The future completes with the log offset of the first record once the batch is durable
     * (the partition's high watermark passed it), or exceptionally with a {@link io.chronik.common.ChronikException}
     * carrying the storage error.
     */
    CompletableFuture<Long> append(int partition, List<GroupRecord> records);

    /** Calls {@code sink} with every record of offsets partition {@code partition} below its high watermark, in order. */
    void replay(int partition, RecordSink sink) throws IOException;

    /** Receives replayed records. */
    @FunctionalInterface
    interface RecordSink {
        void accept(long logOffset, GroupRecord record);
    }
}
