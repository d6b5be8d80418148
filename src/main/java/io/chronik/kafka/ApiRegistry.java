package io.chronik.kafka;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The Kafka APIs a listener serves: one {@link ApiHandler} per API key, plus ApiVersions itself, which advertises
 * exactly these handlers. Immutable once built; thread-safe.
 */
public final class ApiRegistry {

    private final Map<ApiKeys, ApiHandler> handlers;

    /**
     * @throws IllegalArgumentException when two handlers serve the same API, or a handler declares versions
     *         kafka-clients does not know
     */
    public ApiRegistry(List<ApiHandler> handlers) {
        Map<ApiKeys, ApiHandler> map = new EnumMap<>(ApiKeys.class);
        map.put(ApiKeys.API_VERSIONS, new ApiVersionsHandler(this));
        for (ApiHandler h : handlers) {
            if (h.minVersion() < h.apiKey().oldestVersion() || h.maxVersion() > h.apiKey().latestVersion(true)
                    || h.minVersion() > h.maxVersion()) {
                throw new IllegalArgumentException("Handler " + h.getClass().getName() + " declares " + h.apiKey()
                        + " versions " + h.minVersion() + "-" + h.maxVersion() + " outside "
                        + h.apiKey().oldestVersion() + "-" + h.apiKey().latestVersion(true));
            }
            if (map.putIfAbsent(h.apiKey(), h) != null) {
                throw new IllegalArgumentException("Two handlers serve " + h.apiKey());
            }
        }
        this.handlers = Collections.unmodifiableMap(map);
    }

    /** The handler of {@code apiKey}, or null when the API is not served. */
    public ApiHandler handler(ApiKeys apiKey) {
        return handlers.get(apiKey);
    }

    /** Every handler, ApiVersions included, in API-key order. */
    public Collection<ApiHandler> handlers() {
        return handlers.values();
    }
}
