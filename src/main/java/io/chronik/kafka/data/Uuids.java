package io.chronik.kafka.data;

import java.util.UUID;
import org.apache.kafka.common.Uuid;

/** Conversions between Kafka's and Java's UUID types (metadata keeps {@link UUID}). */
final class Uuids {
    private Uuids() {
    }

    static UUID toJava(Uuid id) {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    static Uuid toKafka(UUID id) {
        return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }
}
