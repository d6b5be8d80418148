package io.chronik.kafka;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import org.apache.kafka.common.network.TransferableChannel;

/**
 * Lets kafka-clients' {@code Send}s write to a blocking {@link SocketChannel}: buffers go through the socket's
 * gathering write, file regions ({@code FileRecords} slices in Fetch responses) through
 * {@link FileChannel#transferTo}. Writes may be partial; callers loop until the send is complete.
 *
 * <p>Coalescing: small buffer writes are copied into an outgoing buffer and reach the socket at {@link #flush}, so
 * several responses that are ready at the same time leave in one system call and, with {@code TCP_NODELAY}, one
 * segment the client reads at once. A write that does not fit, and every file transfer, first flushes what is
 * buffered, so bytes always leave in the order they were written. Callers must {@link #flush} before they wait for
 * anything. Not thread-safe: one connection writer uses it.
 */
final class SocketTransferableChannel implements TransferableChannel {

    /** Size of the outgoing buffer; larger writes go to the socket directly. */
    static final int COALESCE_BYTES = 32 * 1024;

    private final SocketChannel socket;
    private final ByteBuffer outgoing = ByteBuffer.allocateDirect(COALESCE_BYTES);

    SocketTransferableChannel(SocketChannel socket) {
        this.socket = socket;
    }

    /** Writes everything buffered to the socket (blocking until it is written). */
    void flush() throws IOException {
        outgoing.flip();
        try {
            while (outgoing.hasRemaining()) {
                socket.write(outgoing);
            }
        } finally {
            outgoing.compact();
        }
    }

    @Override
    public boolean hasPendingWrites() {
        return false;
    }

    @Override
    public long transferFrom(FileChannel fileChannel, long position, long count) throws IOException {
        flush();
        return fileChannel.transferTo(position, count, socket);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += srcs[i].remaining();
        }
        if (total > outgoing.remaining()) {
            flush();
            if (total > outgoing.remaining()) {
                return socket.write(srcs, offset, length);
            }
        }
        for (int i = offset; i < offset + length; i++) {
            outgoing.put(srcs[i]);
        }
        return total;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
