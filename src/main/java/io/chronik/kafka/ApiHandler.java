package io.chronik.kafka;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Serves one Kafka API. One implementation per API; the connection advertises exactly the registered handlers
 * in ApiVersions, with the version range each declares.
 *
 * <p>Threading: {@link #handle} is called on the connection's reader (a virtual thread), one request at a time, in
 * request order — so effects that must follow request order (appends of pipelined produce requests) happen in that
 * order. It may block briefly (a log append, a metadata commit) but must not wait for long: a Fetch that long-polls
 * or a produce that waits for durability returns an incomplete future and completes it later (from a waiter or a
 * virtual thread of its own). Responses leave the connection in request order whatever order futures complete in.
 *
 * <p>Errors: a handler reports per-partition or per-topic failures inside its response with the precise error code.
 * If it throws or completes the future exceptionally, the connection answers the whole request with the error the
 * exception maps to ({@code io.chronik.common.ChronikException} carries its code; anything else is
 * UNKNOWN_SERVER_ERROR and is logged).
 */
public interface ApiHandler {

    ApiKeys apiKey();

    /** Lowest version served. Defaults to the oldest version kafka-clients still knows. */
    default short minVersion() {
        return apiKey().oldestVersion();
    }

    /** Highest version served. Defaults to the latest stable version kafka-clients knows. */
    default short maxVersion() {
        return apiKey().latestVersion(false);
    }

    /**
     * Handles the request; the future yields the response body, or null when the protocol wants no response
     * (produce with acks=0). The record bytes of a produce request are a view of the connection's reusable read
     * buffer and are only valid until this method returns: append or copy them before returning.
     */
    CompletableFuture<ApiMessage> handle(KafkaRequest request) throws Exception;
}
