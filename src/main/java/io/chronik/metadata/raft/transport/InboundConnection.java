package io.chronik.metadata.raft.transport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving end of one accepted Raft connection. Its virtual thread reads request frames and hands them to the
 * {@link RequestDispatcher}; a second virtual thread writes the replies as they complete (in completion order, matched
 * by call id), so a Ratis thread completing a reply never blocks on the socket. An unknown request kind is answered
 * with an error; a malformed frame or an IO error closes the connection (the caller reconnects).
 */
final class InboundConnection {

    private static final Logger LOG = LoggerFactory.getLogger(InboundConnection.class);
    private static final Frame CLOSE = new Frame(Frame.OK, -1, new byte[0]);

    private final Socket socket;
    private final RequestDispatcher dispatcher;
    private final int maxFrameBytes;
    private final BlockingQueue<Frame> replies = new LinkedBlockingQueue<>();

    InboundConnection(Socket socket, RequestDispatcher dispatcher, int maxFrameBytes) {
        this.socket = socket;
        this.dispatcher = dispatcher;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Serves the connection until it closes; runs on the connection's virtual thread. */
    void serve() {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            var out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            Frame.readMagic(in);
            Thread writer = Thread.ofVirtual().name("raft-reply-" + socket.getRemoteSocketAddress())
                    .start(() -> writeReplies(out));
            try {
                while (true) {
                    Frame request = Frame.readFrom(in, maxFrameBytes);
                    handle(request);
                }
            } finally {
                closeQuietly();
                replies.add(CLOSE);
                writer.join();
            }
        } catch (EOFException | SocketException e) {
            LOG.debug("Raft connection from {} closed: {}", socket.getRemoteSocketAddress(), e.toString());
        } catch (IOException e) {
            LOG.warn("Raft connection from {} dropped: {}", socket.getRemoteSocketAddress(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(Frame request) {
        RpcKind kind = RpcKind.of(request.type());
        if (kind == null) {
            replies.add(new Frame(Frame.ERROR, request.callId(), ExceptionCodec.encode(
                    new IOException("unknown Raft request kind " + request.type()))));
            return;
        }
        dispatcher.dispatch(kind, request.payload()).whenComplete((reply, error) -> replies.add(error == null
                ? new Frame(Frame.OK, request.callId(), reply)
                : new Frame(Frame.ERROR, request.callId(), ExceptionCodec.encode(unwrap(error)))));
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private void writeReplies(BufferedOutputStream out) {
        try {
            while (true) {
                Frame reply = replies.take();
                if (reply == CLOSE) {
                    return;
                }
                reply.writeTo(out);
                if (replies.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            closeQuietly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already broken
        }
    }
}
