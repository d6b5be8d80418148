package io.chronik.group;

import io.chronik.common.ErrorCode;

/**
 * One member of a LeaveGroup request and what became of it. {@code memberId} may be "" when a static member is
 * removed by its {@code groupInstanceId} (an administrator's request).
 */
public record LeavingMember(String memberId, String groupInstanceId, ErrorCode error) {

    public LeavingMember(String memberId, String groupInstanceId) {
        this(memberId, groupInstanceId, ErrorCode.NONE);
    }

    LeavingMember withError(ErrorCode e) {
        return new LeavingMember(memberId, groupInstanceId, e);
    }
}
