package io.chronik.kafka;

import java.net.InetAddress;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * One decoded request as handlers see it.
 *
 * @param apiKey     the API
 * @param apiVersion the version the client used (already checked to be within the handler's advertised range)
 * @param header     the request header (correlation id, client id)
 * @param body       the decoded body, e.g. a {@code ProduceRequestData}; records inside it are zero-copy slices of
 *                   the request frame, valid until the handler returns
 * @param clientAddress the peer's address
 */
public record KafkaRequest(
        ApiKeys apiKey, short apiVersion, RequestHeaderData header, ApiMessage body, InetAddress clientAddress) {

    public String clientId() {
        return header.clientId() == null ? "" : header.clientId();
    }

    @SuppressWarnings("unchecked")
    public <T extends ApiMessage> T bodyAs(Class<T> type) {
        return (T) body;
    }
}
