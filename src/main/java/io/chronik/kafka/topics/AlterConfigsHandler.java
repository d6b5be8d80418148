package io.chronik.kafka.topics;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaErrors;
import io.chronik.kafka.KafkaRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * AlterConfigs (deprecated by IncrementalAlterConfigs): replaces all of a topic's overrides with the given set.
 * Broker configs are static ({@link ConfigChanges}).
 */
final class AlterConfigsHandler implements ApiHandler {

    private final ConfigChanges changes;

    AlterConfigsHandler(ConfigChanges changes) {
        this.changes = changes;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        AlterConfigsRequestData req = request.bodyAs(AlterConfigsRequestData.class);
        AlterConfigsResponseData response = new AlterConfigsResponseData().setThrottleTimeMs(0);
        for (AlterConfigsResource resource : req.resources()) {
            AlterConfigsResourceResponse result = new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            try {
                Map<String, String> configs = new HashMap<>();
                for (AlterableConfig c : resource.configs()) {
                    if (configs.put(c.name(), c.value()) != null) {
                        throw new ChronikException(ErrorCode.INVALID_REQUEST, "Duplicate config key " + c.name());
                    }
                }
                switch (ConfigChanges.type(resource.resourceType())) {
                    case TOPIC -> {
                        changes.topic(resource.resourceName());
                        changes.setTopicConfigs(resource.resourceName(), configs, req.validateOnly());
                    }
                    case BROKER -> changes.refuseBrokerChanges(resource.resourceName(), configs.keySet());
                    default -> throw ConfigChanges.unsupported(ConfigChanges.type(resource.resourceType()));
                }
            } catch (RuntimeException e) {
                result.setErrorCode(KafkaErrors.of(e).code()).setErrorMessage(KafkaErrors.message(e));
            }
            response.responses().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }
}
