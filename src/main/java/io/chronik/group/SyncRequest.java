package io.chronik.group;

import java.util.Map;

/**
 * A SyncGroup request; {@code assignments} (member id to assignment) are only sent by the leader.
 * {@code protocolType} and {@code protocolName} are null before SyncGroup v5.
 */
public record SyncRequest(String groupId, String memberId, String groupInstanceId, int generationId,
        String protocolType, String protocolName, Map<String, byte[]> assignments) {

    public SyncRequest {
        assignments = Map.copyOf(assignments);
    }
}
