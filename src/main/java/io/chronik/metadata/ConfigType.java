package io.chronik.metadata;

/** The value type of a config, as Kafka's DescribeConfigs reports it. */
public enum ConfigType {
    BOOLEAN,
    STRING,
    INT,
    LONG,
    DOUBLE,
    LIST
}
