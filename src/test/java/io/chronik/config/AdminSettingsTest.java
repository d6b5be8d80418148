package io.chronik.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chronik.config.ServerConfigLoader.CommandLineValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code [admin]} table, {@code CHRONIK_ADMIN_BIND} and {@code CHRONIK_ADMIN_API_KEY}. */
class AdminSettingsTest {

    private static final String CLUSTER = """
            enabled = true
            node_id = 2
            [[peers]]
            id = 1
            kafka = "localhost:9092"
            wal = "localhost:9291"
            raft = "localhost:5001"
            [[peers]]
            id = 2
            kafka = "localhost:9093"
            wal = "localhost:9292"
            raft = "localhost:5002"
            """;

    @TempDir
    Path dir;

    private ServerConfig load(String toml, Map<String, String> env) throws IOException {
        Path file = Files.writeString(dir.resolve("node.toml"), toml);
        return ServerConfigLoader.load(new CommandLineValues(file, null, null, null), env);
    }

    @Test
    void standaloneAdminListensOnTheKafkaHostAndPort10001() {
        ServerConfig config = ServerConfigLoader.load(CommandLineValues.NONE, Map.of());
        assertEquals(new HostPort("127.0.0.1", 10001), config.admin().bind());
        assertEquals(Optional.empty(), config.admin().apiKey());
    }

    @Test
    void clusterNodeAdminListensOn10000PlusItsId() throws IOException {
        assertEquals(new HostPort("0.0.0.0", 10002), load(CLUSTER, Map.of()).admin().bind());
    }

    @Test
    void adminFollowsTheKafkaBindHost() throws IOException {
        assertEquals(new HostPort("10.0.0.5", 10002),
                load(CLUSTER + "[kafka]\nbind = \"10.0.0.5\"\n", Map.of()).admin().bind());
    }

    @Test
    void adminBindOverridesHostPortOrBoth() throws IOException {
        assertEquals(new HostPort("127.0.0.1", 10002),
                load(CLUSTER + "[admin]\nbind = \"127.0.0.1\"\n", Map.of()).admin().bind());
        assertEquals(new HostPort("127.0.0.1", 8080),
                load(CLUSTER + "[admin]\nbind = \"127.0.0.1:8080\"\n", Map.of()).admin().bind());
        assertEquals(new HostPort("127.0.0.1", 0), load(CLUSTER + "[admin]\nbind = \"127.0.0.1:8080\"\n",
                Map.of("CHRONIK_ADMIN_BIND", "127.0.0.1:0")).admin().bind());
    }

    @Test
    void kafkaOnPortZeroPutsAdminOnPortZeroToo() {
        ServerConfig config = ServerConfigLoader.load(new CommandLineValues(null, "127.0.0.1:0", null, null),
                Map.of());
        assertEquals(new HostPort("127.0.0.1", 0), config.admin().bind());
        assertEquals(new HostPort("127.0.0.1", 0),
                ServerConfig.standalone(dir, new HostPort("127.0.0.1", 0)).admin().bind());
    }

    @Test
    void apiKeyComesFromTheEnvironmentAndIsNeverPrinted() {
        ServerConfig config = ServerConfigLoader.load(CommandLineValues.NONE,
                Map.of("CHRONIK_ADMIN_API_KEY", "  s3cret-key  "));
        assertEquals(Optional.of("s3cret-key"), config.admin().apiKey());
        assertFalse(config.toString().contains("s3cret"), config.toString());
        assertEquals(Optional.empty(), ServerConfigLoader.load(CommandLineValues.NONE,
                Map.of("CHRONIK_ADMIN_API_KEY", " ")).admin().apiKey());
    }

    @Test
    void unknownAdminKeyIsAnError() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(CLUSTER + "[admin]\nport = 1\n", Map.of()));
        assertEquals("unknown key 'admin.port' in " + dir.resolve("node.toml"), e.getMessage());
    }

    @Test
    void badAdminBindNamesIt() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(CLUSTER + "[admin]\nbind = \"h:http\"\n", Map.of()));
        assertEquals("'admin.bind' in " + dir.resolve("node.toml") + " = 'h:http' has port 'http', expected a number "
                + "in 0-65535", e.getMessage());
    }
}
