package io.chronik.group;

import java.util.List;

/**
 * A group as DescribeGroups reports it. Member metadata and assignments are only filled in when the group is
 * Stable, as in Kafka; {@code protocolName} is "" otherwise.
 */
public record GroupDescription(String groupId, GroupState state, String protocolType, String protocolName,
        List<MemberDescription> members) {

    public GroupDescription {
        members = List.copyOf(members);
    }

    public record MemberDescription(String memberId, String groupInstanceId, String clientId, String clientHost,
            byte[] metadata, byte[] assignment) {}
}
