package io.chronik.kafka;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Serves one Kafka API. One implementation per API; the connection advertises exactly the registered handlers
 * in ApiVersions, with the version range each declares.
 *
 * <p>{@link #handle} runs on a virtual thread and may block (long-polling fetches, acks=all produces); responses
 * still leave the connection in request order. A handler reports per-partition or per-topic failures inside its
 * response body with the precise error code; if it throws, the connection answers the whole request with the
 * error the exception maps to ({@code io.chronik.common.ChronikException} carries its code, anything else is
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

    /** Handles the request; returns the response body, or null when the protocol wants no response (acks=0). */
    ApiMessage handle(KafkaRequest request) throws Exception;
}
