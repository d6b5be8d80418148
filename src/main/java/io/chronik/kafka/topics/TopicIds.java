package io.chronik.kafka.topics;

import java.util.UUID;
import org.apache.kafka.common.Uuid;

/** Conversion between Chronik's topic ids ({@link UUID}) and Kafka's wire form ({@link Uuid}). */
final class TopicIds {

    private TopicIds() {
    }

    static Uuid toKafka(UUID id) {
        return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    static UUID fromKafka(Uuid id) {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }
}
