package io.chronik.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Positional reads that fill a whole buffer, the loop every reader of segment and journal files needs. */
final class FileChannels {

    private FileChannels() {
    }

    /**
     * Reads from {@code position} until {@code buffer} is full; returns false when the file ends first (the buffer's
     * position then tells how much was read). Does not move the channel's own position.
     */
    static boolean readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                return false;
            }
            at += read;
        }
        return true;
    }
}
