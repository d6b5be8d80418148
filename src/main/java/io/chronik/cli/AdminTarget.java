package io.chronik.cli;

import io.chronik.admin.AdminApiClient;
import io.chronik.config.ConfigException;
import io.chronik.config.HostPort;
import io.chronik.config.ServerConfig;
import io.chronik.config.ServerConfigLoader;
import io.chronik.config.ServerConfigLoader.CommandLineValues;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Which node's admin API a {@code cluster} command talks to, and with which key. With {@code --admin HOST:PORT},
 * that address. Otherwise the node of the config file ({@code --config}, else {@code CHRONIK_CONFIG}, else the
 * standalone defaults): the host of its own {@code [[peers]]} entry's {@code kafka} address (standalone: its admin
 * bind host, {@code 127.0.0.1} for a wildcard) and its admin port ({@code 10000 + node_id} unless {@code [admin] bind}
 * or {@code CHRONIK_ADMIN_BIND} says otherwise). The key is {@code CHRONIK_ADMIN_API_KEY}.
 */
final class AdminTarget {

    static final String KEY_VARIABLE = "CHRONIK_ADMIN_API_KEY";
    static final String MISSING_KEY = KEY_VARIABLE + " is not set; the key is in the node's log: export "
            + KEY_VARIABLE + "=$(grep \"Admin API key\" <node log> | awk '{print $NF}')";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file of the node to ask (env CHRONIK_CONFIG; default: a standalone node).")
    Path configFile;

    @Option(names = "--admin", paramLabel = "HOST:PORT",
            description = "Admin API address to use instead of the one derived from the config.")
    String admin;

    /**
     * A client of the target node's admin API.
     *
     * @throws ConfigException when the key is not set, the config is invalid, or the address cannot be derived
     */
    AdminApiClient connect(Map<String, String> env) {
        String key = keyFrom(env.get(KEY_VARIABLE));
        if (key == null) {
            throw new ConfigException(MISSING_KEY);
        }
        if (admin != null) {
            return new AdminApiClient(null, parse(admin), key);
        }
        ServerConfig config = ServerConfigLoader.load(new CommandLineValues(configFile, null, null, null), env);
        HostPort bind = config.admin().bind();
        if (bind.port() == 0) {
            throw new ConfigException("the admin port of node " + config.nodeId() + " is chosen when it starts "
                    + "(admin bind port 0); pass --admin HOST:PORT");
        }
        String host = config.cluster().map(c -> c.self().kafka().host())
                .orElse(ServerConfig.advertisedHostFor(bind.host()));
        return new AdminApiClient("node " + config.nodeId(), new HostPort(host, bind.port()), key);
    }

    /**
     * The key in the variable's value, or null when blank. The guide's recipe
     * {@code grep "Admin API key" <log> | awk '{print $NF}'} yields one line per start of the node when its log is
     * appended to (restarts, {@code >> server.log}); the last line is the key of the node's latest start.
     */
    static String keyFrom(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String[] lines = value.strip().split("\\s+");
        return lines[lines.length - 1];
    }

    private static HostPort parse(String address) {
        try {
            HostPort parsed = HostPort.parse(address);
            if (parsed.port() < 1) {
                throw new IllegalArgumentException("port 0");
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--admin '" + address + "' is not HOST:PORT with a port in 1-65535");
        }
    }
}
