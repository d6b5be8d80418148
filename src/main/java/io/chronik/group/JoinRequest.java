package io.chronik.group;

import java.util.List;

/**
 * A JoinGroup request.
 *
 * @param memberId              "" for a member that has none yet
 * @param groupInstanceId       the static member's {@code group.instance.id}, or null for a dynamic member
 * @param rebalanceTimeoutMs    how long the coordinator waits for members to rejoin in a rebalance
 * @param requireKnownMemberId  JoinGroup v4+: a new dynamic member first gets MEMBER_ID_REQUIRED with its id
 * @param supportsSkipAssignment JoinGroup v9+: a static leader rejoining a stable group may skip the assignment
 */
public record JoinRequest(String groupId, String memberId, String groupInstanceId, String clientId, String clientHost,
        int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType, List<Protocol> protocols,
        boolean requireKnownMemberId, boolean supportsSkipAssignment) {

    public JoinRequest {
        protocols = List.copyOf(protocols);
    }
}
