package io.chronik.metadata;

import static io.chronik.metadata.ConfigValue.atLeast;
import static io.chronik.metadata.ConfigValue.between;
import static io.chronik.metadata.ConfigValue.gzipLevel;
import static io.chronik.metadata.ConfigValue.listOf;
import static io.chronik.metadata.ConfigValue.oneOf;
import static io.chronik.metadata.ConfigValue.ratio;
import static io.chronik.metadata.ConfigValue.throttledReplicas;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.config.ServerConfig;
import io.chronik.config.ServerConfig.KafkaSettings;
import io.chronik.config.ServerConfig.LogDefaults;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The catalog of topic configs: every topic config Kafka 4.4 defines, with its type, default, validation, the broker
 * setting that supplies its server-wide default, and whether Chronik honours it.
 *
 * <p>Defaults: Kafka's, except {@code flush.messages} whose Chronik default is 1 (an append is acknowledged only after
 * it is forced to disk). The log-shaping configs take their server-wide default from {@link ServerConfig.LogDefaults}
 * (and {@code min.insync.replicas} from {@link ServerConfig.KafkaSettings}); such a default is reported with source
 * STATIC_BROKER_CONFIG when the server configuration changes it and DEFAULT_CONFIG otherwise, as Kafka reports its
 * {@code log.*} broker settings.
 *
 * <p>Configs Chronik does not honour (remote storage, recompression, throttles, max.compaction.lag.ms, ...) are
 * accepted and reported like any other, because Kafka tools set them; {@link #isHonoured} tells them apart and
 * docs/kafka-compatibility.md lists them. Thread-safe (immutable).
 */
public final class TopicConfigs {

    private static final Map<String, Definition> CATALOG = catalog();

    private TopicConfigs() {
    }

    /** One topic config: its name, type, built-in default, validation and broker-level synonym. */
    private record Definition(
            String name,
            ConfigType type,
            String builtInDefault,
            Function<ServerConfig, String> serverDefault,
            String brokerSynonym,
            ConfigValue.Validator validator,
            boolean honoured,
            String documentation) {

        String defaultValue(ServerConfig config) {
            return serverDefault == null ? builtInDefault : serverDefault.apply(config);
        }
    }

    /**
     * Resolves a topic's explicit overrides against the server defaults.
     *
     * @throws ChronikException INVALID_CONFIG naming the key when a name is unknown or a value is invalid
     */
    public static TopicConfig resolve(Map<String, String> overrides, ServerConfig defaults) {
        validate(overrides);
        Function<String, String> v = name -> {
            String o = overrides.get(name);
            return (o != null ? o : CATALOG.get(name).defaultValue(defaults)).trim();
        };
        List<String> policy = ConfigValue.parseList(v.apply("cleanup.policy"));
        return new TopicConfig(
                Integer.parseInt(v.apply("segment.bytes")),
                Long.parseLong(v.apply("segment.ms")),
                Long.parseLong(v.apply("retention.ms")),
                Long.parseLong(v.apply("retention.bytes")),
                Long.parseLong(v.apply("flush.messages")),
                Long.parseLong(v.apply("flush.ms")),
                Integer.parseInt(v.apply("index.interval.bytes")),
                Integer.parseInt(v.apply("segment.index.bytes")),
                policy.contains("compact"),
                policy.contains("delete"),
                Integer.parseInt(v.apply("max.message.bytes")),
                v.apply("message.timestamp.type").equals("LogAppendTime"),
                Long.parseLong(v.apply("message.timestamp.before.max.ms")),
                Long.parseLong(v.apply("message.timestamp.after.max.ms")),
                Integer.parseInt(v.apply("min.insync.replicas")),
                ConfigValue.parseBoolean(v.apply("unclean.leader.election.enable")),
                Double.parseDouble(v.apply("min.cleanable.dirty.ratio")),
                Long.parseLong(v.apply("min.compaction.lag.ms")),
                Long.parseLong(v.apply("delete.retention.ms")),
                ConfigValue.parseBoolean(v.apply("preallocate")));
    }

    /**
     * Checks that every name is a topic config and every value valid for it.
     *
     * @throws ChronikException INVALID_CONFIG naming the first bad key (and value)
     */
    public static void validate(Map<String, String> overrides) {
        for (Map.Entry<String, String> e : new TreeMap<>(overrides).entrySet()) {
            Definition d = definition(e.getKey());
            ConfigValue.check(d.name(), d.type(), d.validator(), e.getValue());
        }
    }

    /** Every config of a topic with these overrides, sorted by name, as DescribeConfigs reports them. */
    public static List<ConfigEntry> describe(Map<String, String> overrides, ServerConfig config) {
        List<ConfigEntry> entries = new ArrayList<>(CATALOG.size());
        for (Definition d : CATALOG.values()) {
            entries.add(describe(d, overrides.get(d.name()), config));
        }
        return entries;
    }

    private static ConfigEntry describe(Definition d, String override, ServerConfig config) {
        List<ConfigEntry.Synonym> synonyms = new ArrayList<>(3);
        if (override != null) {
            synonyms.add(new ConfigEntry.Synonym(d.name(), override, ConfigSource.TOPIC_CONFIG));
        }
        String serverValue = d.defaultValue(config);
        boolean staticBrokerSetting = d.serverDefault() != null && !serverValue.equals(d.builtInDefault());
        if (d.brokerSynonym() != null) {
            if (staticBrokerSetting) {
                synonyms.add(new ConfigEntry.Synonym(d.brokerSynonym(), serverValue,
                        ConfigSource.STATIC_BROKER_CONFIG));
            }
            synonyms.add(new ConfigEntry.Synonym(d.brokerSynonym(), d.builtInDefault(), ConfigSource.DEFAULT_CONFIG));
        }
        String value;
        ConfigSource source;
        if (override != null) {
            value = override;
            source = ConfigSource.TOPIC_CONFIG;
        } else {
            value = serverValue;
            source = staticBrokerSetting ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
        }
        return new ConfigEntry(d.name(), value, source, false, false, d.type(), d.documentation(), synonyms);
    }

    /** True when {@code name} is a topic config Chronik knows. */
    public static boolean isKnown(String name) {
        return CATALOG.containsKey(name);
    }

    /** True when Chronik acts on the config; false when it is accepted and reported only. */
    public static boolean isHonoured(String name) {
        return definition(name).honoured();
    }

    /** The type of a config (LIST configs support APPEND/SUBTRACT in IncrementalAlterConfigs). */
    public static ConfigType type(String name) {
        return definition(name).type();
    }

    /** The effective server-wide default of a config. */
    public static String defaultValue(String name, ServerConfig config) {
        return definition(name).defaultValue(config);
    }

    /** The name of the broker setting that supplies the config's server-wide default, if any. */
    public static Optional<String> brokerSynonym(String name) {
        return Optional.ofNullable(definition(name).brokerSynonym());
    }

    /** Every topic config name, sorted. */
    public static Collection<String> names() {
        return CATALOG.keySet();
    }

    private static Definition definition(String name) {
        Definition d = CATALOG.get(name);
        if (d == null) {
            throw new ChronikException(ErrorCode.INVALID_CONFIG, "Unknown topic config name: " + name);
        }
        return d;
    }

    private static Map<String, Definition> catalog() {
        LogDefaults log = LogDefaults.DEFAULT;
        KafkaSettings kafka = KafkaSettings.DEFAULT;
        List<Definition> defs = List.of(
                honoured("cleanup.policy", ConfigType.LIST, "delete", null, "log.cleanup.policy",
                        listOf("compact", "delete"),
                        "A comma-separated list of retention policies for old segments: delete (by time and size) "
                                + "and/or compact (keep the latest record per key)."),
                ignored("compression.gzip.level", ConfigType.INT, "-1", "compression.gzip.level", gzipLevel(),
                        "Level of gzip recompression. Chronik stores batches as the producer compressed them, so it is "
                                + "accepted but not used."),
                ignored("compression.lz4.level", ConfigType.INT, "9", "compression.lz4.level", between(1, 17),
                        "Level of lz4 recompression. Accepted but not used: Chronik never recompresses."),
                ignored("compression.type", ConfigType.STRING, "producer", "compression.type",
                        oneOf(true, "uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
                        "Final compression of the topic's batches. Chronik always keeps the producer's compression "
                                + "(the value producer); other values are accepted but not applied."),
                ignored("compression.zstd.level", ConfigType.INT, "3", "compression.zstd.level", between(-131072, 22),
                        "Level of zstd recompression. Accepted but not used: Chronik never recompresses."),
                acceptedOnly("delete.retention.ms", ConfigType.LONG, "86400000", null,
                        "log.cleaner.delete.retention.ms", atLeast(0),
                        "How long tombstones (null-value records) are kept on a compacted topic. Accepted but not used "
                                + "yet: Chronik does not compact logs yet."),
                ignored("errors.deadletterqueue.group.enable", ConfigType.BOOLEAN, "false", null, null,
                        "Share-group dead-letter queue switch. Accepted but not used."),
                ignored("file.delete.delay.ms", ConfigType.LONG, "60000", "log.segment.delete.delay.ms", atLeast(0),
                        "Delay before a deleted segment's file is removed. Chronik removes files at once."),
                honoured("flush.messages", ConfigType.LONG, Long.toString(log.flushMessages()),
                        c -> Long.toString(c.logDefaults().flushMessages()), "log.flush.interval.messages", atLeast(1),
                        "Force the log to disk after this many messages. Chronik's default 1 means a produce is "
                                + "acknowledged only after its batch is on disk (Kafka's default is never)."),
                honoured("flush.ms", ConfigType.LONG, Long.toString(log.flushMs()),
                        c -> Long.toString(c.logDefaults().flushMs()), "log.flush.interval.ms", atLeast(0),
                        "Force the log to disk at least this often (ms)."),
                ignored("follower.replication.throttled.replicas", ConfigType.LIST, "", null,
                        throttledReplicas(), "Replicas whose follower replication is throttled. Accepted but not "
                                + "used."),
                honoured("index.interval.bytes", ConfigType.INT, "4096", null, "log.index.interval.bytes",
                        atLeast(0), "Bytes between two entries of the sparse offset and time indexes."),
                ignored("leader.replication.throttled.replicas", ConfigType.LIST, "", null,
                        throttledReplicas(), "Replicas whose leader-side replication is throttled. Accepted but not "
                                + "used."),
                ignored("local.retention.bytes", ConfigType.LONG, "-2", "log.local.retention.bytes", atLeast(-2),
                        "Local retention with tiered storage. Chronik has no tiered storage; accepted but not used."),
                ignored("local.retention.ms", ConfigType.LONG, "-2", "log.local.retention.ms", atLeast(-2),
                        "Local retention with tiered storage. Chronik has no tiered storage; accepted but not used."),
                ignored("max.compaction.lag.ms", ConfigType.LONG, Long.toString(Long.MAX_VALUE),
                        "log.cleaner.max.compaction.lag.ms", atLeast(1),
                        "Longest time a record stays ineligible for compaction. Accepted but not used."),
                ignored("max.decompressed.message.bytes", ConfigType.INT, "2147483639",
                        "max.decompressed.message.bytes", between(1, 2147483639),
                        "Largest decompressed batch the broker accepts. Chronik does not decompress; accepted but "
                                + "not used."),
                honoured("max.message.bytes", ConfigType.INT, Integer.toString(log.messageMaxBytes()),
                        c -> Integer.toString(c.logDefaults().messageMaxBytes()), "message.max.bytes", atLeast(0),
                        "Largest record batch (after compression) the topic accepts."),
                honoured("message.timestamp.after.max.ms", ConfigType.LONG, "3600000", null,
                        "log.message.timestamp.after.max.ms", atLeast(0),
                        "How far in the future a CreateTime timestamp may be."),
                honoured("message.timestamp.before.max.ms", ConfigType.LONG, Long.toString(Long.MAX_VALUE), null,
                        "log.message.timestamp.before.max.ms", atLeast(0),
                        "How far in the past a CreateTime timestamp may be."),
                honoured("message.timestamp.type", ConfigType.STRING, "CreateTime", null, "log.message.timestamp.type",
                        oneOf(false, "CreateTime", "LogAppendTime"),
                        "Whether record timestamps are the producer's (CreateTime) or the broker's (LogAppendTime)."),
                honoured("min.cleanable.dirty.ratio", ConfigType.DOUBLE, "0.5", null,
                        "log.cleaner.min.cleanable.ratio", ratio(),
                        "Compact once the not yet compacted part of the log is at least this fraction of it."),
                honoured("min.compaction.lag.ms", ConfigType.LONG, "0", null, "log.cleaner.min.compaction.lag.ms",
                        atLeast(0), "Shortest time a record stays uncompacted."),
                honoured("min.insync.replicas", ConfigType.INT, Integer.toString(kafka.minInsyncReplicas()),
                        c -> Integer.toString(c.kafka().minInsyncReplicas()), "min.insync.replicas", atLeast(1),
                        "Fewest in-sync replicas for an acks=all produce to succeed (else NOT_ENOUGH_REPLICAS)."),
                honoured("preallocate", ConfigType.BOOLEAN, Boolean.toString(log.preallocate()),
                        c -> Boolean.toString(c.logDefaults().preallocate()), "log.preallocate", null,
                        "Zero-fill the active segment file ahead of the appends, so each fsync overwrites existing "
                                + "blocks instead of growing the file (cheaper). Chronik's default is true, Kafka's "
                                + "false; the cost is writing every block twice."),
                ignored("remote.copy.lag.bytes", ConfigType.LONG, "-1", "log.remote.copy.lag.bytes", atLeast(-1),
                        "Tiered storage copy lag. Chronik has no tiered storage; accepted but not used."),
                ignored("remote.copy.lag.ms", ConfigType.LONG, "0", "log.remote.copy.lag.ms", atLeast(-1),
                        "Tiered storage copy lag. Chronik has no tiered storage; accepted but not used."),
                ignored("remote.log.copy.disable", ConfigType.BOOLEAN, "false", null, null,
                        "Tiered storage switch. Chronik has no tiered storage; accepted but not used."),
                ignored("remote.log.delete.on.disable", ConfigType.BOOLEAN, "false", null, null,
                        "Tiered storage switch. Chronik has no tiered storage; accepted but not used."),
                ignored("remote.storage.enable", ConfigType.BOOLEAN, "false", null,
                        oneOf(true, "false"), "Tiered storage. Chronik has no tiered storage; only false is accepted."),
                honoured("retention.bytes", ConfigType.LONG, Long.toString(log.retentionBytes()),
                        c -> Long.toString(c.logDefaults().retentionBytes()), "log.retention.bytes", null,
                        "Largest size of a partition before old segments are deleted; -1 for no limit."),
                honoured("retention.ms", ConfigType.LONG, Long.toString(log.retentionMs()),
                        c -> Long.toString(c.logDefaults().retentionMs()), "log.retention.ms", atLeast(-1),
                        "Age after which old segments are deleted; -1 keeps them forever."),
                honoured("segment.bytes", ConfigType.INT, Integer.toString(log.segmentBytes()),
                        c -> Integer.toString(c.logDefaults().segmentBytes()), "log.segment.bytes", atLeast(1048576),
                        "Size at which the active segment is rolled."),
                honoured("segment.index.bytes", ConfigType.INT, "10485760", null, "log.index.size.max.bytes",
                        atLeast(4), "Largest size of a segment's index; a full index rolls the segment."),
                ignored("segment.jitter.ms", ConfigType.LONG, "0", "log.roll.jitter.ms", atLeast(0),
                        "Random jitter subtracted from segment.ms. Accepted but not used."),
                honoured("segment.ms", ConfigType.LONG, Long.toString(log.segmentMs()),
                        c -> Long.toString(c.logDefaults().segmentMs()), "log.roll.ms", atLeast(1),
                        "Age at which the active segment is rolled even if not full."),
                honoured("unclean.leader.election.enable", ConfigType.BOOLEAN, "false", null,
                        "unclean.leader.election.enable", null,
                        "Allow a replica outside the ISR to become leader when no ISR member is alive (risking the "
                                + "loss of committed records)."));
        Map<String, Definition> map = new TreeMap<>();
        for (Definition d : defs) {
            map.put(d.name(), d);
        }
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    private static Definition honoured(String name, ConfigType type, String builtIn,
            Function<ServerConfig, String> server, String synonym, ConfigValue.Validator validator, String doc) {
        return new Definition(name, type, builtIn, server, synonym, validator, true, doc);
    }

    private static Definition acceptedOnly(String name, ConfigType type, String builtIn,
            Function<ServerConfig, String> server, String synonym, ConfigValue.Validator validator, String doc) {
        return new Definition(name, type, builtIn, server, synonym, validator, false, doc);
    }

    private static Definition ignored(String name, ConfigType type, String builtIn, String synonym,
            ConfigValue.Validator validator, String doc) {
        return new Definition(name, type, builtIn, null, synonym, validator, false, doc);
    }
}
