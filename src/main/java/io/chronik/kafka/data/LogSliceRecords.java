package io.chronik.kafka.data;

import io.chronik.log.LogSlice;
import java.io.IOException;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

/**
 * Fetched batches as kafka-clients sees them: a {@link BaseRecords} over a {@link LogSlice}, sent straight from the
 * segment file to the socket ({@link TransferableChannel#transferFrom}, i.e. {@code FileChannel.transferTo}) when
 * the response is written. {@code SendBuilder} calls {@link #toSend} for records that are not MemoryRecords.
 */
final class LogSliceRecords implements BaseRecords {

    private final LogSlice slice;

    LogSliceRecords(LogSlice slice) {
        this.slice = slice;
    }

    @Override
    public int sizeInBytes() {
        return slice.sizeInBytes();
    }

    @Override
    public RecordsSend<LogSliceRecords> toSend() {
        return new Send(this);
    }

    private static final class Send extends RecordsSend<LogSliceRecords> {
        Send(LogSliceRecords records) {
            super(records, records.sizeInBytes());
        }

        @Override
        protected int writeTo(TransferableChannel channel, int previouslyWritten, int remaining) throws IOException {
            LogSlice slice = records().slice;
            return (int) channel.transferFrom(slice.channel(), slice.position() + previouslyWritten, remaining);
        }
    }

    @Override
    public String toString() {
        return "LogSliceRecords(" + slice + ")";
    }
}
