package io.chronik.kafka;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

/**
 * ApiVersions: advertises exactly the registered handlers with the version range each serves. Produce is advertised
 * from version 0, as Kafka 4 does for librdkafka's sake (KAFKA-18659), although versions below 3 are refused. No
 * finalized features are reported. A request newer than this handler serves is answered by the connection itself
 * with {@link #unsupportedVersionResponse} (KIP-511).
 */
final class ApiVersionsHandler implements ApiHandler {

    private final ApiRegistry registry;

    ApiVersionsHandler(ApiRegistry registry) {
        this.registry = registry;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        ApiVersionsRequestData data = request.bodyAs(ApiVersionsRequestData.class);
        if (!new ApiVersionsRequest(data, request.apiVersion()).isValid()) {
            return CompletableFuture.completedFuture(new ApiVersionsResponseData()
                    .setErrorCode(Errors.INVALID_REQUEST.code())
                    .setApiKeys(new ApiVersionCollection()));
        }
        ApiVersionCollection apis = new ApiVersionCollection();
        for (ApiHandler h : registry.handlers()) {
            short min = h.apiKey() == ApiKeys.PRODUCE ? ApiKeys.PRODUCE_API_VERSIONS_RESPONSE_MIN_VERSION
                    : h.minVersion();
            apis.add(new ApiVersion().setApiKey(h.apiKey().id).setMinVersion(min).setMaxVersion(h.maxVersion()));
        }
        return CompletableFuture.completedFuture(new ApiVersionsResponseData()
                .setErrorCode(Errors.NONE.code())
                .setThrottleTimeMs(0)
                .setApiKeys(apis));
    }

    /** The v0 answer to an ApiVersions request of a version this server does not know. */
    ApiVersionsResponseData unsupportedVersionResponse() {
        ApiVersionCollection apis = new ApiVersionCollection();
        apis.add(new ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id).setMinVersion(minVersion())
                .setMaxVersion(maxVersion()));
        return new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code()).setApiKeys(apis);
    }
}
