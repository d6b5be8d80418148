package io.chronik.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.config.HostPort;
import io.chronik.config.ServerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicConfigsTest {

    private static final ServerConfig DEFAULTS = ServerConfig.standalone(Path.of("data"), new HostPort("127.0.0.1", 0));

    @Test
    void resolvesChronikDefaultsWithoutOverrides() {
        TopicConfig c = TopicConfigs.resolve(Map.of(), DEFAULTS);
        assertEquals(1L, c.flushMessages());
        assertEquals(1 << 30, c.segmentBytes());
        assertEquals(604_800_000L, c.retentionMs());
        assertEquals(-1L, c.retentionBytes());
        assertEquals(1048588, c.maxMessageBytes());
        assertTrue(c.delete());
        assertFalse(c.compact());
        assertFalse(c.logAppendTime());
        assertEquals(1, c.minInsyncReplicas());
        assertEquals(3_600_000L, c.timestampAfterMaxMs());
        assertFalse(c.preallocate());
    }

    @Test
    void preallocateIsHonouredAndTakesItsDefaultFromTheServer() {
        assertTrue(TopicConfigs.isHonoured("preallocate"));
        assertTrue(TopicConfigs.resolve(Map.of("preallocate", "true"), DEFAULTS).preallocate());
        ConfigEntry builtIn = entry(TopicConfigs.describe(Map.of(), DEFAULTS), "preallocate");
        assertEquals("false", builtIn.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, builtIn.source());

        ServerConfig.LogDefaults d = ServerConfig.LogDefaults.DEFAULT;
        ServerConfig on = new ServerConfig(1, Path.of("data"), new HostPort("127.0.0.1", 0),
                new HostPort("127.0.0.1", 0), ServerConfig.KafkaSettings.DEFAULT,
                d.withPreallocate(true));
        assertTrue(TopicConfigs.resolve(Map.of(), on).preallocate());
        ConfigEntry server = entry(TopicConfigs.describe(Map.of(), on), "preallocate");
        assertEquals("true", server.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, server.source());
        assertEquals(new ConfigEntry.Synonym("log.preallocate", "true", ConfigSource.STATIC_BROKER_CONFIG),
                server.synonyms().get(0));

        ChronikException bad = assertThrows(ChronikException.class,
                () -> TopicConfigs.resolve(Map.of("preallocate", "sometimes"), DEFAULTS));
        assertTrue(bad.getMessage().contains("preallocate"), bad.getMessage());
    }

    @Test
    void overridesWin() {
        TopicConfig c = TopicConfigs.resolve(Map.of("cleanup.policy", "compact, delete", "retention.ms", "-1",
                "message.timestamp.type", "LogAppendTime", "flush.messages", "1000", "max.message.bytes", "5000"),
                DEFAULTS);
        assertTrue(c.compact());
        assertTrue(c.delete());
        assertEquals(-1L, c.retentionMs());
        assertTrue(c.logAppendTime());
        assertEquals(1000L, c.flushMessages());
        assertEquals(5000, c.maxMessageBytes());
    }

    @Test
    void serverLogDefaultsReplaceBuiltInDefaultsAndAreReportedAsStaticBrokerConfig() {
        ServerConfig.LogDefaults d = ServerConfig.LogDefaults.DEFAULT;
        ServerConfig config = new ServerConfig(1, Path.of("data"), new HostPort("127.0.0.1", 0),
                new HostPort("127.0.0.1", 0), ServerConfig.KafkaSettings.DEFAULT,
                d.withRetentionMs(3_600_000L));
        assertEquals(3_600_000L, TopicConfigs.resolve(Map.of(), config).retentionMs());

        ConfigEntry retention = entry(TopicConfigs.describe(Map.of(), config), "retention.ms");
        assertEquals("3600000", retention.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, retention.source());
        assertEquals(List.of(
                new ConfigEntry.Synonym("log.retention.ms", "3600000", ConfigSource.STATIC_BROKER_CONFIG),
                new ConfigEntry.Synonym("log.retention.ms", "604800000", ConfigSource.DEFAULT_CONFIG)),
                retention.synonyms());
        assertEquals(ConfigSource.DEFAULT_CONFIG, entry(TopicConfigs.describe(Map.of(), config), "segment.bytes")
                .source());
    }

    @Test
    void describeReportsEveryConfigWithOverridesAsTopicConfig() {
        List<ConfigEntry> entries = TopicConfigs.describe(Map.of("cleanup.policy", "compact"), DEFAULTS);
        assertEquals(TopicConfigs.names().size(), entries.size());
        ConfigEntry policy = entry(entries, "cleanup.policy");
        assertEquals("compact", policy.value());
        assertEquals(ConfigSource.TOPIC_CONFIG, policy.source());
        assertEquals(ConfigType.LIST, policy.type());
        assertEquals(new ConfigEntry.Synonym("cleanup.policy", "compact", ConfigSource.TOPIC_CONFIG),
                policy.synonyms().get(0));
        ConfigEntry flush = entry(entries, "flush.messages");
        assertEquals("1", flush.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, flush.source());
        assertTrue(entries.stream().allMatch(e -> e.documentation() != null && !e.documentation().isBlank()));
    }

    @Test
    void rejectsUnknownNamesAndBadValuesNamingTheKey() {
        ChronikException unknown = assertThrows(ChronikException.class,
                () -> TopicConfigs.validate(Map.of("no.such.config", "1")));
        assertEquals(ErrorCode.INVALID_CONFIG, unknown.error());
        assertTrue(unknown.getMessage().contains("no.such.config"));

        for (Map<String, String> bad : List.of(Map.of("retention.ms", "soon"), Map.of("segment.bytes", "10"),
                Map.of("cleanup.policy", "compact,forever"), Map.of("message.timestamp.type", "Now"),
                Map.of("unclean.leader.election.enable", "maybe"), Map.of("min.cleanable.dirty.ratio", "2"),
                Map.of("retention.ms", "-2"), Map.of("flush.messages", "0"))) {
            String key = bad.keySet().iterator().next();
            ChronikException e = assertThrows(ChronikException.class, () -> TopicConfigs.resolve(bad, DEFAULTS));
            assertEquals(ErrorCode.INVALID_CONFIG, e.error());
            assertTrue(e.getMessage().contains(key) && e.getMessage().contains(bad.get(key)), e.getMessage());
        }
    }

    @Test
    void acceptsConfigsThatChronikDoesNotHonour() {
        TopicConfigs.validate(Map.of("compression.type", "gzip", "segment.jitter.ms", "10",
                "leader.replication.throttled.replicas", "0:1,1:1", "min.cleanable.dirty.ratio", "0.1"));
        assertFalse(TopicConfigs.isHonoured("compression.type"));
        assertTrue(TopicConfigs.isHonoured("retention.ms"));
    }

    private static ConfigEntry entry(List<ConfigEntry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }
}
