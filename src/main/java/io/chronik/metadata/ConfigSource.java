package io.chronik.metadata;

/**
 * Where a config's value comes from, named as Kafka's {@code DescribeConfigsResponse.ConfigSource}: an explicit topic
 * override, a broker setting from the server's configuration file, or the built-in default.
 */
public enum ConfigSource {
    TOPIC_CONFIG,
    DYNAMIC_BROKER_CONFIG,
    STATIC_BROKER_CONFIG,
    DEFAULT_CONFIG
}
