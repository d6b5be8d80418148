package io.chronik.kafka.data;

import io.chronik.testing.RawKafkaConnection;
import java.io.IOException;
import java.time.Duration;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Request/response calls over a {@link RawKafkaConnection} for tests that need requests no real client would send:
 * numbers correlation ids and checks that each response answers its request.
 */
final class RawKafkaClient implements AutoCloseable {

    private final RawKafkaConnection connection;
    private int correlationId;

    RawKafkaClient(int port) throws IOException {
        connection = new RawKafkaConnection("127.0.0.1", port, Duration.ofSeconds(30));
    }

    /** Sends {@code body} at {@code version} and returns the decoded response body. */
    @SuppressWarnings("unchecked")
    <T extends ApiMessage> T send(ApiMessage body, short version) throws IOException {
        int id = sendOnly(body, version);
        RawKafkaConnection.Response response = connection.receive(ApiKeys.forId(body.apiKey()), version);
        if (response.correlationId() != id) {
            throw new IOException("correlation id " + response.correlationId() + " != " + id);
        }
        return (T) response.body();
    }

    /** Sends {@code body} without reading a response (produce with acks=0); returns the correlation id. */
    int sendOnly(ApiMessage body, short version) throws IOException {
        connection.send(ApiKeys.forId(body.apiKey()), version, ++correlationId, body);
        return correlationId;
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
