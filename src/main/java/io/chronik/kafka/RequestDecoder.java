package io.chronik.kafka;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Turns one request frame (the bytes after the size prefix) into a {@link Decoded} request, the KIP-511 case of an
 * ApiVersions request newer than served, or a reason to close the connection — Kafka closes a connection that sends
 * an unknown API, an API or version it does not serve, or a body that does not parse. Thread-safe.
 */
final class RequestDecoder {

    /** What a frame turned out to be. */
    sealed interface Result {}

    /** A request to hand to its handler; {@code request} also builds the error response if the handler fails. */
    record Decoded(ApiHandler handler, KafkaRequest kafkaRequest, AbstractRequest request) implements Result {}

    /** An ApiVersions request of a version newer than served: answered with a v0 UNSUPPORTED_VERSION response. */
    record UnsupportedApiVersions(int correlationId) implements Result {}

    /** A frame that breaks the protocol; the connection is closed. */
    record Rejected(String reason) implements Result {}

    private final ApiRegistry registry;

    RequestDecoder(ApiRegistry registry) {
        this.registry = registry;
    }

    Result decode(ByteBuffer frame, InetAddress client) {
        if (frame.remaining() < 8) {
            return new Rejected("frame of " + frame.remaining() + " bytes is too short for a request header");
        }
        short apiId = frame.getShort(frame.position());
        short version = frame.getShort(frame.position() + 2);
        if (!ApiKeys.hasId(apiId)) {
            return new Rejected("unknown API key " + apiId);
        }
        ApiKeys apiKey = ApiKeys.forId(apiId);
        ApiHandler handler = registry.handler(apiKey);
        if (handler == null) {
            return new Rejected("API " + apiKey + " (key " + apiId + ") is not served");
        }
        boolean newerApiVersions = apiKey == ApiKeys.API_VERSIONS && version > handler.maxVersion();
        if (!newerApiVersions && (version < handler.minVersion() || version > handler.maxVersion())) {
            return new Rejected(apiKey + " version " + version + " is not served (versions " + handler.minVersion()
                    + "-" + handler.maxVersion() + ")");
        }
        RequestHeader header;
        try {
            header = RequestHeader.parse(frame);
        } catch (RuntimeException e) {
            return new Rejected("the " + apiKey + " v" + version + " request header does not parse: " + e.getMessage());
        }
        if (newerApiVersions) {
            return new UnsupportedApiVersions(header.correlationId());
        }
        AbstractRequest request;
        try {
            request = AbstractRequest.parseRequest(apiKey, version, new ByteBufferAccessor(frame.slice())).request;
        } catch (RuntimeException e) {
            return new Rejected("the " + apiKey + " v" + version + " request body does not parse: " + e.getMessage());
        }
        return new Decoded(handler, new KafkaRequest(apiKey, version, header.data(), request.data(), client), request);
    }
}
