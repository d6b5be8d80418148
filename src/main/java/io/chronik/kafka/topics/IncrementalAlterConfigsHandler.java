package io.chronik.kafka.topics;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.config.ServerConfig;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaErrors;
import io.chronik.kafka.KafkaRequest;
import io.chronik.metadata.ConfigType;
import io.chronik.metadata.TopicConfigs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * IncrementalAlterConfigs: SET and DELETE any topic config; APPEND and SUBTRACT items of list configs (starting from
 * the current value, the default when not overridden). Broker configs are static ({@link ConfigChanges}).
 */
final class IncrementalAlterConfigsHandler implements ApiHandler {

    private final ConfigChanges changes;
    private final ServerConfig config;

    IncrementalAlterConfigsHandler(ConfigChanges changes, ServerConfig config) {
        this.changes = changes;
        this.config = config;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        IncrementalAlterConfigsRequestData req = request.bodyAs(IncrementalAlterConfigsRequestData.class);
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData().setThrottleTimeMs(0);
        for (AlterConfigsResource resource : req.resources()) {
            AlterConfigsResourceResponse result = new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            try {
                Set<String> names = new HashSet<>();
                for (AlterableConfig c : resource.configs()) {
                    if (!names.add(c.name())) {
                        throw new ChronikException(ErrorCode.INVALID_REQUEST,
                                "Error due to duplicate config keys: " + c.name());
                    }
                }
                switch (ConfigChanges.type(resource.resourceType())) {
                    case TOPIC -> {
                        String topic = resource.resourceName();
                        Map<String, String> overrides = new HashMap<>(changes.topic(topic).configs());
                        for (AlterableConfig c : resource.configs()) {
                            apply(overrides, c);
                        }
                        changes.setTopicConfigs(topic, overrides, req.validateOnly());
                    }
                    case BROKER -> changes.refuseBrokerChanges(resource.resourceName(), names);
                    default -> throw ConfigChanges.unsupported(ConfigChanges.type(resource.resourceType()));
                }
            } catch (RuntimeException e) {
                result.setErrorCode(KafkaErrors.of(e).code()).setErrorMessage(KafkaErrors.message(e));
            }
            response.responses().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private void apply(Map<String, String> overrides, AlterableConfig c) {
        if (!TopicConfigs.isKnown(c.name())) {
            throw new ChronikException(ErrorCode.INVALID_CONFIG, "Unknown topic config name: " + c.name());
        }
        AlterConfigOp.OpType op = AlterConfigOp.OpType.forId(c.configOperation());
        if (op == null) {
            throw new ChronikException(ErrorCode.INVALID_REQUEST, "Unknown config operation " + c.configOperation()
                    + " for " + c.name());
        }
        switch (op) {
            case SET -> overrides.put(c.name(), c.value());
            case DELETE -> overrides.remove(c.name());
            case APPEND, SUBTRACT -> {
                if (TopicConfigs.type(c.name()) != ConfigType.LIST) {
                    throw new ChronikException(ErrorCode.INVALID_CONFIG, "Config value " + op.name().toLowerCase()
                            + " is not allowed for config key " + c.name() + ", which is not a list");
                }
                String current = overrides.getOrDefault(c.name(), TopicConfigs.defaultValue(c.name(), config));
                List<String> items = new ArrayList<>(split(current));
                List<String> given = split(c.value() == null ? "" : c.value());
                if (op == AlterConfigOp.OpType.APPEND) {
                    given.stream().filter(i -> !items.contains(i)).forEach(items::add);
                } else {
                    items.removeAll(given);
                }
                overrides.put(c.name(), String.join(",", items));
            }
        }
    }

    private static List<String> split(String list) {
        return list.isBlank() ? List.of()
                : Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
