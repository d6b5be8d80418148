package io.chronik.kafka;

import io.chronik.log.FlushDeferral;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.SendBuilder;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka client connection on a blocking socket, served by two virtual threads:
 * <ul>
 *   <li>the <b>reader</b> reads a frame ({@code int32 size} + request), decodes it and calls its handler, in request
 *       order, then queues the response future — at most {@link #MAX_IN_FLIGHT} of them, blocking when full;</li>
 *   <li>the <b>writer</b> takes futures in queue order, waits for each and writes its response, so responses leave
 *       strictly in request order (clients match them FIFO) whatever order they complete in. A null response (produce
 *       with acks=0) writes nothing. Responses that are complete when the writer gets to them are flushed together
 *       (one system call, usually one TCP segment: pipelined produces often complete with the same force).</li>
 * </ul>
 * A protocol violation (bad size, unknown or unserved API or version, unparseable request) closes the connection at
 * once with one WARN line; a clean end of input lets the writer send what is pending first.
 *
 * <p>Group commit across pipelined requests: the reader holds a {@link FlushDeferral} open, so the produce requests it
 * has already received are all appended before their partitions are forced; it releases the held forces as soon as
 * the next request has not fully arrived (or before any other request, or a full response queue), so a waiting
 * produce is never delayed by a read that blocks.
 */
final class KafkaConnection {

    static final int MAX_IN_FLIGHT = 100;
    /** Produce requests up to this size are read into a reusable direct buffer (see {@link #readFrame}). */
    static final int POOLED_FRAME_MAX_BYTES = 1024 * 1024;
    private static final int POOLED_FRAME_MIN_BYTES = 64 * 1024;
    /**
     * Most produce requests whose forces one {@link FlushDeferral} holds back: a client pipelining more than this shares
     * a force per this many requests (Kafka's producer keeps at most 5 in flight by default).
     */
    static final int MAX_DEFERRED_REQUESTS = 8;
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);

    /** A response to send in turn: its header fields, the future body, and the request that builds errors. */
    private record Pending(int correlationId, ApiKeys apiKey, short version, AbstractRequest request,
            CompletableFuture<ApiMessage> response) {}

    private static final Pending END_OF_INPUT = new Pending(0, null, (short) 0, null, null);

    private final SocketChannel socket;
    /** The socket's stream view, only for {@code available()} (bytes received but not read yet). */
    private final InputStream input;
    private final InetSocketAddress peer;
    private final RequestDecoder decoder;
    private final ApiRegistry registry;
    private final int maxRequestBytes;
    private final Runnable onClose;
    private final BlockingQueue<Pending> inFlight = new ArrayBlockingQueue<>(MAX_IN_FLIGHT);
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The reader's buffers: the frame size field, and the reusable produce frame buffer (allocated on first use). */
    private final ByteBuffer sizeField = ByteBuffer.allocate(4);
    private ByteBuffer pooledFrame;
    private volatile Thread reader;
    private volatile Thread writer;

    KafkaConnection(SocketChannel socket, ApiRegistry registry, int maxRequestBytes, Runnable onClose)
            throws IOException {
        this.socket = socket;
        this.input = socket.socket().getInputStream();
        this.peer = (InetSocketAddress) socket.getRemoteAddress();
        this.registry = registry;
        this.decoder = new RequestDecoder(registry);
        this.maxRequestBytes = maxRequestBytes;
        this.onClose = onClose;
    }

    void start() {
        writer = Thread.ofVirtual().name("kafka-writer-" + peer).start(this::writeLoop);
        reader = Thread.ofVirtual().name("kafka-reader-" + peer).start(this::readLoop);
    }

    private void readLoop() {
        try (FlushDeferral deferral = FlushDeferral.open()) {
            int deferredRequests = 0; // produce requests read since the deferral last held nothing
            while (!closed.get()) {
                if (deferral.isEmpty()) {
                    deferredRequests = 0;
                } else if (deferredRequests >= MAX_DEFERRED_REQUESTS) {
                    deferral.release();
                    deferredRequests = 0;
                }
                ByteBuffer frame = readFrame(deferral);
                if (frame == null) {
                    deferral.release();
                    inFlight.put(END_OF_INPUT);
                    return;
                }
                switch (decoder.decode(frame, peer.getAddress())) {
                    case RequestDecoder.Rejected r -> {
                        LOG.warn("Closing Kafka connection from {}: {}", peer, r.reason());
                        close();
                        return;
                    }
                    case RequestDecoder.UnsupportedApiVersions u -> {
                        ApiVersionsHandler apiVersions = (ApiVersionsHandler) registry.handler(ApiKeys.API_VERSIONS);
                        enqueue(new Pending(u.correlationId(), ApiKeys.API_VERSIONS, (short) 0, null,
                                CompletableFuture.completedFuture(apiVersions.unsupportedVersionResponse())), deferral);
                    }
                    case RequestDecoder.Decoded d -> {
                        ApiKeys api = d.kafkaRequest().apiKey();
                        if (api == ApiKeys.PRODUCE) {
                            deferredRequests++;
                        } else {
                            // Only produce handlers are known never to block the reader; release before any other.
                            deferral.release();
                        }
                        enqueue(new Pending(d.kafkaRequest().header().correlationId(), api,
                                d.kafkaRequest().apiVersion(), d.request(), invoke(d)), deferral);
                    }
                }
            }
        } catch (FrameException e) {
            LOG.warn("Closing Kafka connection from {}: {}", peer, e.getMessage());
            close();
        } catch (ClosedChannelException | InterruptedException e) {
            close();
        } catch (IOException e) {
            LOG.debug("Kafka connection from {} failed while reading: {}", peer, e.toString());
            close();
        }
    }

    /** Queues {@code pending} for the writer; releases the held forces first when the queue is full (it may block). */
    private void enqueue(Pending pending, FlushDeferral deferral) throws InterruptedException {
        if (!inFlight.offer(pending)) {
            deferral.release();
            inFlight.put(pending);
        }
    }

    private static CompletableFuture<ApiMessage> invoke(RequestDecoder.Decoded d) {
        try {
            CompletableFuture<ApiMessage> f = d.handler().handle(d.kafkaRequest());
            return f != null ? f : CompletableFuture.failedFuture(
                    new IllegalStateException(d.handler().getClass().getName() + " returned no future"));
        } catch (Exception | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A frame that breaks the protocol before it can be decoded. */
    private static final class FrameException extends IOException {
        FrameException(String message) {
            super(message);
        }
    }

    /**
     * Reads one frame; null at a clean end of input (between frames). Releases {@code deferral} before a read that
     * could block: when the size or the rest of the frame has not arrived yet.
     *
     * <p>A produce request of at most {@link #POOLED_FRAME_MAX_BYTES} is read into this connection's reusable direct
     * buffer and returned as a view of it: no allocation and zeroing per request, and the record bytes go from the
     * socket to the segment file without the JDK's copies through a temporary direct buffer. The view is only valid
     * until the next frame is read, which is safe because the produce handler appends the batches before it returns.
     * Every other request, and a larger produce, gets a buffer of its own, which its handler may keep.
     */
    private ByteBuffer readFrame(FlushDeferral deferral) throws IOException {
        releaseUnlessReceived(deferral, sizeField.capacity());
        if (!readFully(sizeField.clear(), true)) {
            return null;
        }
        int n = sizeField.getInt(0);
        if (n <= 0 || n > maxRequestBytes) {
            throw new FrameException("request size " + n + " is outside 1-" + maxRequestBytes
                    + " bytes (socket.request.max.bytes)");
        }
        releaseUnlessReceived(deferral, n);
        if (n > POOLED_FRAME_MAX_BYTES) {
            ByteBuffer frame = ByteBuffer.allocate(n);
            readFully(frame, false);
            return frame.flip();
        }
        if (pooledFrame == null || pooledFrame.capacity() < n) {
            pooledFrame = ByteBuffer.allocateDirect(Math.max(POOLED_FRAME_MIN_BYTES, Integer.highestOneBit(n - 1) << 1));
        }
        ByteBuffer frame = pooledFrame.clear().limit(n);
        readFully(frame, false);
        frame.flip();
        if (n >= 2 && frame.getShort(0) == ApiKeys.PRODUCE.id) {
            return frame.slice();
        }
        return ByteBuffer.allocate(n).put(frame).flip();
    }

    /** Releases {@code deferral} unless {@code bytes} are already in the socket's receive buffer. */
    private void releaseUnlessReceived(FlushDeferral deferral, int bytes) throws IOException {
        if (!deferral.isEmpty() && input.available() < bytes) {
            deferral.release();
        }
    }

    private boolean readFully(ByteBuffer buf, boolean endAllowed) throws IOException {
        while (buf.hasRemaining()) {
            if (socket.read(buf) < 0) {
                if (endAllowed && buf.position() == 0) {
                    return false;
                }
                throw new FrameException("the client closed the connection in the middle of a request ("
                        + buf.position() + " of " + buf.capacity() + " bytes read)");
            }
        }
        return true;
    }

    private void writeLoop() {
        SocketTransferableChannel channel = new SocketTransferableChannel(socket);
        try {
            while (true) {
                Pending p = inFlight.take();
                // Write this response and every following one that is already complete, then flush them together.
                while (p != END_OF_INPUT) {
                    Send send = responseSend(p);
                    if (send != null) {
                        while (!send.completed()) {
                            send.writeTo(channel);
                        }
                    }
                    Pending next = inFlight.peek();
                    if (next == null || next != END_OF_INPUT && !next.response().isDone()) {
                        break;
                    }
                    p = inFlight.take();
                }
                channel.flush();
                if (p == END_OF_INPUT) {
                    break;
                }
            }
        } catch (InterruptedException | ClosedChannelException e) {
            // closed while waiting or writing
        } catch (IOException e) {
            LOG.debug("Kafka connection from {} failed while writing: {}", peer, e.toString());
        } catch (RuntimeException e) {
            LOG.error("Closing Kafka connection from {}: a response could not be encoded", peer, e);
        }
        close();
    }

    /** The response of {@code p} ready to write, or null when there is none to send. */
    private Send responseSend(Pending p) throws InterruptedException {
        ApiMessage body;
        try {
            body = p.response().get();
        } catch (ExecutionException e) {
            AbstractResponse error = p.request().getErrorResponse(0, KafkaErrors.toApiException(e.getCause()));
            body = error == null ? null : error.data();
        }
        if (body == null) {
            return null;
        }
        short headerVersion = p.apiKey() == ApiKeys.API_VERSIONS ? 0 : p.apiKey().responseHeaderVersion(p.version());
        return SendBuilder.buildResponseSend(new ResponseHeader(p.correlationId(), headerVersion), body, p.version());
    }

    /** Closes the socket at once; pending responses are dropped. Idempotent. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing the socket of {} failed: {}", peer, e.toString());
        }
        Thread w = writer;
        if (w != null && w != Thread.currentThread()) {
            w.interrupt();
        }
        Thread r = reader;
        if (r != null && r != Thread.currentThread()) {
            r.interrupt();
        }
        onClose.run();
    }
}
