package io.chronik.metadata;

import java.util.List;

/**
 * One config as DescribeConfigs reports it.
 *
 * @param name          the config name
 * @param value         its effective value (null when it has none, e.g. an unset optional broker setting)
 * @param source        where the value comes from
 * @param readOnly      true when it cannot be changed at runtime
 * @param sensitive     true when the value must not be shown
 * @param type          the value type
 * @param documentation a one-paragraph description, including Chronik's deviations from Kafka
 * @param synonyms      the value at each level that could set it, most specific first (topic, broker, default)
 */
public record ConfigEntry(
        String name,
        String value,
        ConfigSource source,
        boolean readOnly,
        boolean sensitive,
        ConfigType type,
        String documentation,
        List<Synonym> synonyms) {

    public ConfigEntry {
        synonyms = List.copyOf(synonyms);
    }

    /** A level at which the config is (or could be) set, with the name it has there. */
    public record Synonym(String name, String value, ConfigSource source) {}
}
