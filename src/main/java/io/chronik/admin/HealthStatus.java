package io.chronik.admin;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code GET /admin/health}, which needs no key: the node is up and answering.
 *
 * @param status   always {@code "ok"}
 * @param leaderId the Raft leader as this node knows it; null while there is none
 */
public record HealthStatus(
        @JsonProperty("status") String status,
        @JsonProperty("node_id") int nodeId,
        @JsonProperty("is_leader") boolean isLeader,
        @JsonProperty("leader_id") Integer leaderId) {
}
