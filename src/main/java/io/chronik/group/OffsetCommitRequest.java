package io.chronik.group;

import io.chronik.common.TopicPartition;
import java.util.Map;

/**
 * An OffsetCommit request. A simple consumer or an admin client commits with {@code generationId = -1} and an
 * empty {@code memberId}; that is only accepted while the group is Empty (and creates the group if needed).
 */
public record OffsetCommitRequest(String groupId, String memberId, String groupInstanceId, int generationId,
        Map<TopicPartition, CommittedOffset> offsets) {

    public OffsetCommitRequest {
        offsets = Map.copyOf(offsets);
    }
}
