package io.chronik.kafka.group;

import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.TopicImage;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.Uuid;

/** Topic names and ids for the offsets APIs, which name topics up to v9 and identify them by id from v10. */
final class TopicResolver {

    private TopicResolver() {
    }

    static Optional<TopicImage> byId(MetadataImage image, Uuid id) {
        return image.topicById(new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits()));
    }

    static Uuid idOf(MetadataImage image, String topic) {
        return image.topic(topic).map(t -> new Uuid(t.id().getMostSignificantBits(), t.id().getLeastSignificantBits()))
                .orElse(Uuid.ZERO_UUID);
    }
}
