package io.chronik.group;

import io.chronik.common.ErrorCode;

/** The answer to a SyncGroup: the member's assignment in the current generation. */
public record SyncResult(ErrorCode error, String protocolType, String protocolName, byte[] assignment) {

    static final byte[] NO_ASSIGNMENT = new byte[0];

    static SyncResult failed(ErrorCode error) {
        return new SyncResult(error, null, null, NO_ASSIGNMENT);
    }
}
