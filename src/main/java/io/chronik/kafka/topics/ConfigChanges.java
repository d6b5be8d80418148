package io.chronik.kafka.topics;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.config.ServerConfig;
import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.MetadataStateMachine;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.TopicImage;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Applies config changes for AlterConfigs and IncrementalAlterConfigs: a topic's overrides are replaced (validated,
 * committed unless validate-only); broker configs are static in Chronik, so any change to them is refused with
 * INVALID_CONFIG naming the configs, while an empty change succeeds.
 */
final class ConfigChanges {

    private final MetadataStore metadata;
    private final ServerConfig config;

    ConfigChanges(MetadataStore metadata, ServerConfig config) {
        this.metadata = metadata;
        this.config = config;
    }

    /** The topic, or UNKNOWN_TOPIC_OR_PARTITION. */
    TopicImage topic(String name) {
        return metadata.current().topic(name).orElseThrow(() -> new ChronikException(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic " + name + " does not exist"));
    }

    void setTopicConfigs(String topic, Map<String, String> overrides, boolean validateOnly) {
        MetadataCommand.SetTopicConfigs command = new MetadataCommand.SetTopicConfigs(topic, overrides);
        if (validateOnly) {
            MetadataStateMachine.apply(metadata.current(), command);
        } else {
            metadata.submit(command);
        }
    }

    /** Checks a broker resource and refuses any change of its configs. */
    void refuseBrokerChanges(String broker, Collection<String> names) {
        if (!broker.isEmpty() && !broker.equals(Integer.toString(config.nodeId()))) {
            throw new ChronikException(ErrorCode.INVALID_REQUEST, "Unexpected broker id, expected " + config.nodeId()
                    + " or empty string, but received " + broker);
        }
        if (!names.isEmpty()) {
            throw new ChronikException(ErrorCode.INVALID_CONFIG, "Cannot update these configs dynamically: "
                    + new TreeSet<>(names) + ". Chronik's broker settings are static: change them in the server's "
                    + "configuration file and restart it.");
        }
    }

    static ConfigResource.Type type(byte id) {
        return ConfigResource.Type.forId(id);
    }

    static ChronikException unsupported(ConfigResource.Type type) {
        return new ChronikException(ErrorCode.INVALID_REQUEST, "Chronik does not support configs of resource type "
                + type);
    }
}
