package io.chronik.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A run of whole record batches inside one segment file, to be sent without copying ({@link #transferTo}).
 *
 * <p>A slice needs no release: a deleted segment's channel stays open for the flusher's file delete delay (60 s by
 * default) after the deletion, so a slice stays readable while it is being sent. Truncation ({@code truncateTo})
 * cuts the file in place, so a slice over a truncated region may transfer fewer bytes than its size.
 *
 * @param channel      the segment file
 * @param position     byte position of the first batch
 * @param sizeInBytes  number of bytes, always a whole number of batches
 * @param firstOffset  base offset of the first batch (or the requested offset when empty)
 */
public record LogSlice(FileChannel channel, long position, int sizeInBytes, long firstOffset) {

    public static LogSlice empty(long offset) {
        return new LogSlice(null, 0, 0, offset);
    }

    public boolean isEmpty() {
        return sizeInBytes == 0;
    }

    /** Transfers bytes [offsetInSlice, offsetInSlice+count) of the slice to {@code target}; returns bytes written. */
    public long transferTo(long offsetInSlice, long count, WritableByteChannel target) throws IOException {
        return channel.transferTo(position + offsetInSlice, Math.min(count, sizeInBytes - offsetInSlice), target);
    }
}
