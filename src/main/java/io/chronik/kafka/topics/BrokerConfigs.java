package io.chronik.kafka.topics;

import io.chronik.config.HostPort;
import io.chronik.config.ServerConfig;
import io.chronik.metadata.ConfigEntry;
import io.chronik.metadata.ConfigSource;
import io.chronik.metadata.ConfigType;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.TopicConfigs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The broker configs DescribeConfigs reports for this node, under Kafka's names: the settings Chronik has (from the
 * configuration file, so STATIC_BROKER_CONFIG, or DEFAULT_CONFIG where they keep their default) and the broker-level
 * synonyms of every topic config. All are read-only: Chronik has no dynamic broker configs.
 */
final class BrokerConfigs {

    private BrokerConfigs() {
    }

    static List<ConfigEntry> describe(ServerConfig config, MetadataImage image) {
        MetadataImage.BrokerInfo self = image.brokers().get(config.nodeId());
        HostPort advertised = self == null ? config.kafkaAdvertised() : new HostPort(self.host(), self.port());
        HostPort bind = config.kafkaBind().port() != 0 || self == null ? config.kafkaBind()
                : new HostPort(config.kafkaBind().host(), self.port());
        ServerConfig.KafkaSettings kafka = config.kafka();
        ServerConfig.KafkaSettings defaults = ServerConfig.KafkaSettings.DEFAULT;
        List<ConfigEntry> entries = new ArrayList<>();
        entries.add(fixed("broker.id", Integer.toString(config.nodeId()), ConfigType.INT,
                "The id of this node (node.id)."));
        entries.add(fixed("node.id", Integer.toString(config.nodeId()), ConfigType.INT, "The id of this node."));
        entries.add(fixed("listeners", "PLAINTEXT://" + bind, ConfigType.LIST,
                "The Kafka listener's bind address."));
        entries.add(fixed("advertised.listeners", "PLAINTEXT://" + advertised, ConfigType.LIST,
                "The address given to clients in Metadata responses."));
        entries.add(fixed("log.dirs", config.dataDir().resolve("logs").toString(), ConfigType.LIST,
                "The directory holding the partition logs."));
        entries.add(setting("socket.request.max.bytes", kafka.maxRequestBytes(), defaults.maxRequestBytes(),
                ConfigType.INT, "Largest request accepted; a bigger one closes the connection."));
        entries.add(setting("auto.create.topics.enable", kafka.autoCreateTopics(), defaults.autoCreateTopics(),
                ConfigType.BOOLEAN, "Create unknown topics named in Metadata requests."));
        entries.add(setting("num.partitions", kafka.defaultPartitions(), defaults.defaultPartitions(), ConfigType.INT,
                "Partitions of auto-created topics and of CreateTopics with -1."));
        entries.add(setting("default.replication.factor", kafka.defaultReplicationFactor(),
                defaults.defaultReplicationFactor(), ConfigType.INT,
                "Replication factor of auto-created topics and of CreateTopics with -1."));
        entries.add(setting("log.retention.check.interval.ms", config.logDefaults().retentionCheckIntervalMs(),
                ServerConfig.LogDefaults.DEFAULT.retentionCheckIntervalMs(), ConfigType.LONG,
                "How often retention is enforced."));
        entries.add(fixed("delete.topic.enable", "true", ConfigType.BOOLEAN, "Topics can be deleted."));
        for (ConfigEntry topicConfig : TopicConfigs.describe(Map.of(), config)) {
            TopicConfigs.brokerSynonym(topicConfig.name()).ifPresent(name -> {
                if (entries.stream().noneMatch(e -> e.name().equals(name))) {
                    entries.add(new ConfigEntry(name, topicConfig.value(), topicConfig.source(), true, false,
                            topicConfig.type(), "Server-wide default of the topic config " + topicConfig.name()
                                    + ". " + topicConfig.documentation(),
                            topicConfig.synonyms()));
                }
            });
        }
        entries.sort(Comparator.comparing(ConfigEntry::name));
        return entries;
    }

    private static ConfigEntry fixed(String name, String value, ConfigType type, String doc) {
        return new ConfigEntry(name, value, ConfigSource.STATIC_BROKER_CONFIG, true, false, type, doc,
                List.of(new ConfigEntry.Synonym(name, value, ConfigSource.STATIC_BROKER_CONFIG)));
    }

    private static ConfigEntry setting(String name, Object value, Object defaultValue, ConfigType type, String doc) {
        String v = value.toString();
        List<ConfigEntry.Synonym> synonyms = new ArrayList<>();
        ConfigSource source = ConfigSource.DEFAULT_CONFIG;
        if (!value.equals(defaultValue)) {
            source = ConfigSource.STATIC_BROKER_CONFIG;
            synonyms.add(new ConfigEntry.Synonym(name, v, source));
        }
        synonyms.add(new ConfigEntry.Synonym(name, defaultValue.toString(), ConfigSource.DEFAULT_CONFIG));
        return new ConfigEntry(name, v, source, true, false, type, doc, synonyms);
    }
}
