package io.chronik.group;

import io.chronik.common.TopicPartition;
import java.util.List;

/**
 * What the coordinator writes to its offsets partition. Each record has a key (the thing it describes) and a value;
 * a null value is a tombstone that deletes the key, so the compacted log keeps the latest value per key. Replaying a
 * partition in order rebuilds every group and offset it holds. The byte encoding is the kafka layer's
 * ({@code io.chronik.kafka.group.GroupRecordCodec}).
 */
public sealed interface GroupRecord {

    String groupId();

    /** A committed offset of {@code group} for {@code partition}; null {@code value} deletes it. */
    record OffsetCommit(String groupId, TopicPartition partition, CommittedOffset value) implements GroupRecord {}

    /** A group's membership after a completed generation; null {@code value} deletes the group. */
    record GroupMetadata(String groupId, GroupSnapshot value) implements GroupRecord {}

    /**
     * The durable part of a group: its generation and members with the selected protocol's metadata and their
     * assignments. A group loaded from it is Stable (members present) or Empty.
     */
    record GroupSnapshot(String protocolType, int generationId, String protocolName, String leaderId,
            long stateTimestamp, List<MemberSnapshot> members) {

        public GroupSnapshot {
            members = List.copyOf(members);
        }
    }

    /** A member as stored: {@code metadata} is its metadata for the group's selected protocol. */
    record MemberSnapshot(String memberId, String groupInstanceId, String clientId, String clientHost,
            int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] metadata, byte[] assignment) {}
}
