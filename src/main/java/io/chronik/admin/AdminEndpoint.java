package io.chronik.admin;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The routes of the admin API. Every one but {@link #HEALTH} needs the {@code X-API-Key} header. */
enum AdminEndpoint {
    HEALTH("GET", "/admin/health", false),
    STATUS("GET", "/admin/status", true),
    ADD_NODE("POST", "/admin/add-node", true),
    REMOVE_NODE("POST", "/admin/remove-node", true);

    final String method;
    final String path;
    final boolean needsKey;

    AdminEndpoint(String method, String path, boolean needsKey) {
        this.method = method;
        this.path = path;
        this.needsKey = needsKey;
    }

    static Optional<AdminEndpoint> at(String path) {
        return Arrays.stream(values()).filter(e -> e.path.equals(path)).findFirst();
    }

    /** {@code GET /admin/health, GET /admin/status, ...}, for the 404 message. */
    static String list() {
        return Arrays.stream(values()).map(e -> e.method + " " + e.path).collect(Collectors.joining(", "));
    }
}
