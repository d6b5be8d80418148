package io.chronik.metadata.raft.transport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.util.IOUtils;
import org.apache.ratis.util.NetUtils;
import org.apache.ratis.util.TimeDuration;
import org.apache.ratis.util.TimeoutExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calling end of one TCP connection to a peer's Raft port: many outstanding calls, matched to their replies by
 * call id ({@link Frame}).
 *
 * <p>Threads: creating a connection never blocks. A writer virtual thread connects (after the peer's
 * {@link ConnectBackoff} allows it, bounded by the connect timeout) and then writes queued frames; a reader virtual
 * thread completes calls as replies arrive. Callers never touch the socket, so a stalled peer blocks only the calls
 * made to it.
 *
 * <p>Failure: the first IO error (connect refused or timed out, reset, end of stream, malformed frame) or
 * {@link #close} kills the connection for good and fails every outstanding and later call with an exception Ratis
 * treats as "reconnect" ({@link IOUtils#shouldReconnect}); Ratis's {@code PeerProxyMap} then replaces the connection.
 * Late replies to calls that already timed out are dropped. Thread-safe.
 */
final class PeerConnection implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);

    private final String name;
    private final String address;
    private final TransportSettings settings;
    private final ConnectBackoff backoff;
    private final Map<Long, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private final BlockingQueue<Frame> outbox = new LinkedBlockingQueue<>();
    private final AtomicLong nextCallId = new AtomicLong();
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    private final Thread writer;
    private volatile Socket socket;

    /**
     * @param name    who calls whom, for messages ("n1->n2")
     * @param address the peer's Raft address, host:port
     */
    PeerConnection(String name, String address, TransportSettings settings, ConnectBackoff backoff) {
        this.name = name;
        this.address = address;
        this.settings = settings;
        this.backoff = backoff;
        this.writer = Thread.ofVirtual().name("raft-out-" + name).unstarted(this::connectAndWrite);
        writer.start();
    }

    /** Sends a request; the future completes with the reply payload or the failure. Never blocks. */
    CompletableFuture<byte[]> call(RpcKind kind, byte[] request) {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        IOException failed = failure.get();
        if (failed != null) {
            reply.completeExceptionally(failed);
            return reply;
        }
        if (request.length + 16 > settings.maxFrameBytes()) {
            reply.completeExceptionally(new IOException(name + ": " + kind + " request of " + request.length
                    + " bytes exceeds the Raft frame limit of " + settings.maxFrameBytes()));
            return reply;
        }
        long callId = nextCallId.incrementAndGet();
        pending.put(callId, reply);
        reply.whenComplete((r, e) -> pending.remove(callId));
        outbox.add(new Frame(kind.code, callId, request));
        failed = failure.get();
        if (failed != null) {
            reply.completeExceptionally(failed);
        }
        return reply;
    }

    /**
     * Sends a request; the future fails with {@link TimeoutIOException} when no reply came within {@code timeout}.
     * Never blocks.
     */
    CompletableFuture<byte[]> call(RpcKind kind, byte[] request, TimeDuration timeout) {
        CompletableFuture<byte[]> reply = call(kind, request);
        if (!reply.isDone()) {
            TimeoutExecutor.getInstance().onTimeout(timeout, () -> reply.completeExceptionally(
                    new TimeoutIOException(name + ": no reply to " + kind + " within " + timeout)),
                    LOG, () -> name + ": timeout check failed");
        }
        return reply;
    }

    /** Sends a request and waits at most {@code timeout} for the reply ({@code TimeoutIOException} after that). */
    byte[] callSync(RpcKind kind, byte[] request, TimeDuration timeout) throws IOException {
        CompletableFuture<byte[]> reply = call(kind, request);
        try {
            return IOUtils.getFromFuture(reply, () -> name + " " + kind, timeout);
        } finally {
            reply.cancel(false);
        }
    }

    private void connectAndWrite() {
        try {
            backoff.awaitTurn();
            Socket s = connect();
            var out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            Frame.writeMagic(out);
            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            Thread.ofVirtual().name("raft-in-" + name).start(() -> readReplies(in));
            while (failure.get() == null) {
                Frame frame = outbox.take();
                frame.writeTo(out);
                if (outbox.isEmpty()) {
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            fail(new AlreadyClosedException(name + ": connection closed"));
        } catch (IOException e) {
            fail(e);
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        try {
            InetSocketAddress target = NetUtils.createSocketAddr(address);
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            socket = s;
            if (failure.get() != null) {
                throw new AlreadyClosedException(name + ": connection closed");
            }
            s.connect(target, (int) settings.connectTimeout().toLong(TimeUnit.MILLISECONDS));
        } catch (IOException | RuntimeException e) {
            s.close();
            if (backoff.failed()) {
                LOG.warn("Failed to connect to peer {} at {}: {} (retrying)", name, address, e.getMessage());
            }
            var refused = new ConnectException(name + ": cannot connect to " + address + ": " + e.getMessage());
            refused.initCause(e);
            throw refused;
        }
        if (backoff.succeeded()) {
            LOG.info("Connected to peer {} at {}", name, address);
        }
        return s;
    }

    private void readReplies(InputStream in) {
        try {
            while (failure.get() == null) {
                Frame frame = Frame.readFrom(in, settings.maxFrameBytes());
                CompletableFuture<byte[]> reply = pending.remove(frame.callId());
                if (reply == null) {
                    continue;
                }
                if (frame.type() == Frame.OK) {
                    reply.complete(frame.payload());
                } else {
                    reply.completeExceptionally(ExceptionCodec.decode(frame.payload()));
                }
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    private void fail(IOException cause) {
        IOException reconnectable = IOUtils.shouldReconnect(cause) ? cause
                : new AlreadyClosedException(name + ": connection to " + address + " failed: " + cause, cause);
        if (!failure.compareAndSet(null, reconnectable)) {
            return;
        }
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a broken socket
            }
        }
        if (Thread.currentThread() != writer) {
            writer.interrupt();
        }
        for (Long callId : pending.keySet()) {
            CompletableFuture<byte[]> reply = pending.remove(callId);
            if (reply != null) {
                reply.completeExceptionally(reconnectable);
            }
        }
    }

    /** Closes the connection; outstanding calls fail with {@link AlreadyClosedException}. */
    @Override
    public void close() {
        fail(new AlreadyClosedException(name + ": connection to " + address + " closed"));
    }

    @Override
    public String toString() {
        return "PeerConnection(" + name + " " + address + ")";
    }
}
