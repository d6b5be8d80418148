package io.chronik.group;

import io.chronik.common.ErrorCode;
import java.util.List;

/**
 * The answer to a JoinGroup: the new generation, its protocol and leader; the leader also gets every member's
 * metadata for the selected protocol.
 */
public record JoinResult(ErrorCode error, String memberId, int generationId, String protocolType,
        String protocolName, String leaderId, boolean skipAssignment, List<JoinedMember> members) {

    public JoinResult {
        members = List.copyOf(members);
    }

    static JoinResult failed(ErrorCode error, String memberId) {
        return new JoinResult(error, memberId, -1, null, null, null, false, List.of());
    }

    /** A member as the leader sees it in its JoinGroup response. */
    public record JoinedMember(String memberId, String groupInstanceId, byte[] metadata) {}
}
