package io.chronik.group;

import java.util.Optional;
import java.util.Set;

/**
 * Reads the topics a member subscribes to from its protocol metadata. Only the consumer protocol
 * ({@code protocolType = "consumer"}) has a known metadata schema; its parser lives in the kafka layer.
 */
@FunctionalInterface
public interface TopicSubscriptions {

    /** The topics in {@code metadata} of a member of a group with {@code protocolType}, or empty when unknown. */
    Optional<Set<String>> topicsOf(String protocolType, byte[] metadata);
}
