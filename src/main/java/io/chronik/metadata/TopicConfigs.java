package io.chronik.metadata;

import io.chronik.config.ServerConfig;
import java.util.Map;

/**
 * The catalog of topic configs Chronik knows: names, types, defaults, validation, and which ones it honours.
 * CONTRACT SKELETON — being implemented by the metadata work.
 */
public final class TopicConfigs {

    private TopicConfigs() {
    }

    /**
     * Resolves a topic's explicit overrides against the server defaults.
     *
     * @throws io.chronik.common.ChronikException INVALID_CONFIG naming the key when a value is invalid
     */
    public static TopicConfig resolve(Map<String, String> overrides, ServerConfig defaults) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
