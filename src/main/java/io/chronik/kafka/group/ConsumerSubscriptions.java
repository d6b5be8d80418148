package io.chronik.kafka.group;

import io.chronik.group.TopicSubscriptions;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;

/** Reads consumer-protocol subscriptions ({@code protocolType = "consumer"}) with kafka-clients' schema. */
final class ConsumerSubscriptions implements TopicSubscriptions {

    @Override
    public Optional<Set<String>> topicsOf(String protocolType, byte[] metadata) {
        if (!ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType) || metadata == null || metadata.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new HashSet<>(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata))
                    .topics()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
