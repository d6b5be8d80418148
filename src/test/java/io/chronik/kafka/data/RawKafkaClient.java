package io.chronik.kafka.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.ResponseHeader;

/** A minimal blocking Kafka protocol client for tests that need requests no real client would send. */
final class RawKafkaClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    RawKafkaClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends {@code body} at {@code version} and returns the decoded response body. */
    @SuppressWarnings("unchecked")
    <T extends ApiMessage> T send(ApiMessage body, short version) throws IOException {
        int id = sendOnly(body, version);
        int size = in.readInt();
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        ApiKeys key = ApiKeys.forId(body.apiKey());
        ResponseHeader header = ResponseHeader.parse(buffer, key.responseHeaderVersion(version));
        if (header.correlationId() != id) {
            throw new IOException("correlation id " + header.correlationId() + " != " + id);
        }
        ApiMessage response = ApiMessageType.fromApiKey(body.apiKey()).newResponse();
        response.read(new ByteBufferAccessor(buffer), version);
        return (T) response;
    }

    /** Sends {@code body} without reading a response (produce with acks=0); returns the correlation id. */
    int sendOnly(ApiMessage body, short version) throws IOException {
        ApiKeys key = ApiKeys.forId(body.apiKey());
        short headerVersion = key.requestHeaderVersion(version);
        var header = new RequestHeaderData().setRequestApiKey(key.id).setRequestApiVersion(version)
                .setClientId("raw-test").setCorrelationId(++correlationId);
        var cache = new ObjectSerializationCache();
        var size = new MessageSizeAccumulator();
        header.addSize(size, cache, headerVersion);
        body.addSize(size, cache, version);
        ByteBuffer buffer = ByteBuffer.allocate(4 + size.totalSize());
        buffer.putInt(size.totalSize());
        var writer = new ByteBufferAccessor(buffer);
        header.write(writer, cache, headerVersion);
        body.write(writer, cache, version);
        out.write(buffer.array());
        out.flush();
        return correlationId;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
