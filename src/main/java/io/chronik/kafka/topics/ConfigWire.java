package io.chronik.kafka.topics;

import io.chronik.metadata.ConfigSource;
import io.chronik.metadata.ConfigType;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

/** Wire ids of Chronik's config sources and types, as DescribeConfigs and CreateTopics carry them. */
final class ConfigWire {

    private ConfigWire() {
    }

    static byte source(ConfigSource source) {
        return switch (source) {
            case TOPIC_CONFIG -> DescribeConfigsResponse.ConfigSource.TOPIC_CONFIG.id();
            case DYNAMIC_BROKER_CONFIG -> DescribeConfigsResponse.ConfigSource.DYNAMIC_BROKER_CONFIG.id();
            case STATIC_BROKER_CONFIG -> DescribeConfigsResponse.ConfigSource.STATIC_BROKER_CONFIG.id();
            case DEFAULT_CONFIG -> DescribeConfigsResponse.ConfigSource.DEFAULT_CONFIG.id();
        };
    }

    static byte type(ConfigType type) {
        return switch (type) {
            case BOOLEAN -> DescribeConfigsResponse.ConfigType.BOOLEAN.id();
            case STRING -> DescribeConfigsResponse.ConfigType.STRING.id();
            case INT -> DescribeConfigsResponse.ConfigType.INT.id();
            case LONG -> DescribeConfigsResponse.ConfigType.LONG.id();
            case DOUBLE -> DescribeConfigsResponse.ConfigType.DOUBLE.id();
            case LIST -> DescribeConfigsResponse.ConfigType.LIST.id();
        };
    }
}
