package io.chronik.testing;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A bare Kafka protocol connection for wire-level tests: sends hand-built frames (valid requests, or any bytes) and
 * reads responses, so tests can pipeline requests, send garbage, and see whether the server closed the connection.
 */
public final class RawKafkaConnection implements AutoCloseable {

    private final SocketChannel socket;
    private final ReadableByteChannel in;

    public RawKafkaConnection(String host, int port, Duration readTimeout) throws IOException {
        socket = SocketChannel.open(new InetSocketAddress(host, port));
        socket.socket().setSoTimeout((int) readTimeout.toMillis());
        in = Channels.newChannel(socket.socket().getInputStream());
    }

    /** A response: its correlation id and body. */
    public record Response(int correlationId, ApiMessage body) {}

    /** The framed bytes of a request ({@code int32 size}, header, body). */
    public static byte[] frame(ApiKeys api, short version, int correlationId, ApiMessage body) {
        short headerVersion = api.requestHeaderVersion(version);
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(api.id).setRequestApiVersion(version)
                .setClientId("raw-test").setCorrelationId(correlationId);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, headerVersion);
        body.addSize(size, cache, version);
        ByteBuffer buf = ByteBuffer.allocate(4 + size.totalSize());
        buf.putInt(size.totalSize());
        ByteBufferAccessor out = new ByteBufferAccessor(buf);
        header.write(out, cache, headerVersion);
        body.write(out, cache, version);
        return buf.array();
    }

    public void send(ApiKeys api, short version, int correlationId, ApiMessage body) throws IOException {
        sendBytes(frame(api, version, correlationId, body));
    }

    public void sendBytes(byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            socket.write(buf);
        }
    }

    /** Half-closes: the server sees end of input, the connection can still receive. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Reads one response of {@code api} at {@code version} (response header v0 for ApiVersions). */
    public Response receive(ApiKeys api, short version) throws IOException {
        ByteBuffer frame = readFrame();
        short headerVersion = api == ApiKeys.API_VERSIONS ? 0 : api.responseHeaderVersion(version);
        ResponseHeader header = ResponseHeader.parse(frame, headerVersion);
        ApiMessage body = ApiMessageType.fromApiKey(api.id).newResponse();
        body.read(new ByteBufferAccessor(frame), version);
        return new Response(header.correlationId(), body);
    }

    private ByteBuffer readFrame() throws IOException {
        ByteBuffer size = ByteBuffer.allocate(4);
        readFully(size);
        ByteBuffer frame = ByteBuffer.allocate(size.getInt(0));
        readFully(frame);
        return frame.flip();
    }

    private void readFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (in.read(buf) < 0) {
                throw new EOFException("the server closed the connection");
            }
        }
    }

    /** True when the server closed the connection (end of input) before the read timeout, with nothing sent. */
    public boolean closedByServer() throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        try {
            return in.read(one) < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
