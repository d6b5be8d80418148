package io.chronik.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the node's HTTP admin API.
 *
 * @param bind   address the admin API binds: by default the Kafka bind host and port {@code 10000 + node_id}
 *               ({@code [admin] bind}, {@code CHRONIK_ADMIN_BIND}); port 0 picks a free port (tests)
 * @param apiKey the key from {@code CHRONIK_ADMIN_API_KEY}; empty means the node uses the key kept in its data dir
 *               (generated on first start)
 */
public record AdminSettings(HostPort bind, Optional<String> apiKey) {

    /** Offset of the conventional admin port: node N listens on {@code 10000 + N}. */
    public static final int PORT_BASE = 10_000;

    public AdminSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(apiKey, "apiKey");
        if (apiKey.isPresent() && apiKey.get().isBlank()) {
            throw new IllegalArgumentException("apiKey must not be blank");
        }
    }

    /**
     * The defaults for a node: the Kafka bind host and port {@code 10000 + nodeId}, or a free port when the Kafka
     * listener also binds port 0 (in-process tests), so that tests never compete for the conventional ports.
     */
    public static AdminSettings defaultsFor(int nodeId, HostPort kafkaBind) {
        int port = kafkaBind.port() == 0 ? 0 : conventionalPort(nodeId);
        return new AdminSettings(new HostPort(kafkaBind.host(), port), Optional.empty());
    }

    /** The admin port of node {@code nodeId} by convention: {@code 10000 + nodeId}. */
    public static int conventionalPort(int nodeId) {
        return PORT_BASE + nodeId;
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "AdminSettings[bind=" + bind + ", apiKey=" + (apiKey.isPresent() ? "(set)" : "(data dir)") + "]";
    }
}
