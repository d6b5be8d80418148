package io.chronik.kafka.topics;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.config.ServerConfig;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaErrors;
import io.chronik.kafka.KafkaRequest;
import io.chronik.metadata.ConfigEntry;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.TopicConfigs;
import io.chronik.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * DescribeConfigs for topics (every topic config with its value, source and, when asked, synonyms and documentation)
 * and for this broker ({@link BrokerConfigs}). The empty broker name (cluster-wide dynamic defaults) has no configs,
 * since Chronik has no dynamic broker configs. Other resource types are INVALID_REQUEST.
 */
final class DescribeConfigsHandler implements ApiHandler {

    private final MetadataStore metadata;
    private final ServerConfig config;

    DescribeConfigsHandler(MetadataStore metadata, ServerConfig config) {
        this.metadata = metadata;
        this.config = config;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CONFIGS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        DescribeConfigsRequestData req = request.bodyAs(DescribeConfigsRequestData.class);
        DescribeConfigsResponseData response = new DescribeConfigsResponseData().setThrottleTimeMs(0);
        for (DescribeConfigsResource resource : req.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            try {
                Set<String> keys = resource.configurationKeys() == null ? null
                        : new HashSet<>(resource.configurationKeys());
                for (ConfigEntry e : entries(resource)) {
                    if (keys == null || keys.contains(e.name())) {
                        result.configs().add(toWire(e, req.includeSynonyms(), req.includeDocumentation()));
                    }
                }
            } catch (RuntimeException e) {
                result.setErrorCode(KafkaErrors.of(e).code()).setErrorMessage(KafkaErrors.message(e))
                        .setConfigs(new ArrayList<>());
            }
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private List<ConfigEntry> entries(DescribeConfigsResource resource) {
        ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
        String name = resource.resourceName();
        return switch (type) {
            case TOPIC -> {
                TopicImage topic = metadata.current().topic(name).orElseThrow(() -> new ChronikException(
                        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic " + name + " does not exist"));
                yield TopicConfigs.describe(topic.configs(), config);
            }
            case BROKER -> {
                if (name.isEmpty()) {
                    yield List.of();
                }
                if (!name.equals(Integer.toString(config.nodeId()))) {
                    throw new ChronikException(ErrorCode.INVALID_REQUEST, "Unexpected broker id, expected "
                            + config.nodeId() + " or empty string, but received " + name);
                }
                yield BrokerConfigs.describe(config, metadata.current());
            }
            default -> throw new ChronikException(ErrorCode.INVALID_REQUEST,
                    "Chronik does not support configs of resource type " + type);
        };
    }

    private static DescribeConfigsResourceResult toWire(ConfigEntry e, boolean synonyms, boolean documentation) {
        DescribeConfigsResourceResult r = new DescribeConfigsResourceResult()
                .setName(e.name()).setValue(e.sensitive() ? null : e.value()).setReadOnly(e.readOnly())
                .setConfigSource(ConfigWire.source(e.source())).setIsSensitive(e.sensitive())
                .setConfigType(ConfigWire.type(e.type()))
                .setDocumentation(documentation ? e.documentation() : null);
        if (synonyms) {
            for (ConfigEntry.Synonym s : e.synonyms()) {
                r.synonyms().add(new DescribeConfigsSynonym().setName(s.name()).setValue(s.value())
                        .setSource(ConfigWire.source(s.source())));
            }
        }
        return r;
    }
}
