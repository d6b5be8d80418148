package io.chronik.group;

import io.chronik.common.ErrorCode;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A member of a classic group. Mutable; guarded by its group's lock.
 *
 * <p>A member has at most one parked JoinGroup and one parked SyncGroup. While either is parked it need not heartbeat
 * (its client is blocked in that request), except a new member, which the join timeout still bounds.
 */
final class Member {

    private final String memberId;
    private final String groupInstanceId;
    private final String clientId;
    private final String clientHost;
    private final String protocolType;
    private int sessionTimeoutMs;
    private int rebalanceTimeoutMs;
    private List<Protocol> protocols;
    private byte[] assignment = SyncResult.NO_ASSIGNMENT;
    private CompletableFuture<JoinResult> awaitingJoin;
    private CompletableFuture<SyncResult> awaitingSync;
    private boolean isNew;
    private long heartbeatDeadline = Long.MAX_VALUE;

    Member(String memberId, String groupInstanceId, String clientId, String clientHost, String protocolType,
            int sessionTimeoutMs, int rebalanceTimeoutMs, List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.protocolType = protocolType;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    /** The same member under a new id (a static member that restarted), keeping everything else. */
    Member withMemberId(String newMemberId) {
        Member m = new Member(newMemberId, groupInstanceId, clientId, clientHost, protocolType, sessionTimeoutMs,
                rebalanceTimeoutMs, protocols);
        m.assignment = assignment;
        return m;
    }

    String memberId() {
        return memberId;
    }

    String groupInstanceId() {
        return groupInstanceId;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    String clientId() {
        return clientId;
    }

    String clientHost() {
        return clientHost;
    }

    String protocolType() {
        return protocolType;
    }

    int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    List<Protocol> protocols() {
        return protocols;
    }

    void update(List<Protocol> newProtocols, int newSessionTimeoutMs, int newRebalanceTimeoutMs) {
        protocols = List.copyOf(newProtocols);
        sessionTimeoutMs = newSessionTimeoutMs;
        rebalanceTimeoutMs = newRebalanceTimeoutMs;
    }

    /** Whether {@code other} names the same protocols, in the same order, with the same metadata. */
    boolean matches(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!other.get(i).name().equals(protocols.get(i).name())
                    || !Arrays.equals(other.get(i).metadata(), protocols.get(i).metadata())) {
                return false;
            }
        }
        return true;
    }

    boolean supports(String protocolName) {
        return protocols.stream().anyMatch(p -> p.name().equals(protocolName));
    }

    /** This member's metadata for {@code protocolName}. */
    byte[] metadata(String protocolName) {
        return protocols.stream().filter(p -> p.name().equals(protocolName)).findFirst().map(Protocol::metadata)
                .orElse(SyncResult.NO_ASSIGNMENT);
    }

    byte[] assignment() {
        return assignment;
    }

    void setAssignment(byte[] newAssignment) {
        assignment = newAssignment == null ? SyncResult.NO_ASSIGNMENT : newAssignment;
    }

    boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    void awaitJoin(CompletableFuture<JoinResult> future) {
        if (awaitingJoin != null && awaitingJoin != future) {
            // The client retried (its earlier request timed out); the newer request gets the answer.
            awaitingJoin.complete(JoinResult.failed(ErrorCode.REBALANCE_IN_PROGRESS, memberId));
        }
        awaitingJoin = future;
    }

    /** Answers the parked JoinGroup, if any; returns whether there was one. */
    boolean completeJoin(JoinResult result) {
        if (awaitingJoin == null) {
            return false;
        }
        CompletableFuture<JoinResult> f = awaitingJoin;
        awaitingJoin = null;
        f.complete(result);
        return true;
    }

    boolean isAwaitingSync() {
        return awaitingSync != null;
    }

    void awaitSync(CompletableFuture<SyncResult> future) {
        if (awaitingSync != null && awaitingSync != future) {
            awaitingSync.complete(SyncResult.failed(ErrorCode.REBALANCE_IN_PROGRESS));
        }
        awaitingSync = future;
    }

    /** Answers the parked SyncGroup, if any; returns whether there was one. */
    boolean completeSync(SyncResult result) {
        if (awaitingSync == null) {
            return false;
        }
        CompletableFuture<SyncResult> f = awaitingSync;
        awaitingSync = null;
        f.complete(result);
        return true;
    }

    boolean isNew() {
        return isNew;
    }

    void setNew(boolean value) {
        isNew = value;
    }

    /** Members blocked in a rebalance request need not heartbeat; new members are bounded by the join timeout. */
    boolean hasSatisfiedHeartbeat() {
        return !isNew && (isAwaitingJoin() || isAwaitingSync());
    }

    long heartbeatDeadline() {
        return heartbeatDeadline;
    }

    void setHeartbeatDeadline(long deadline) {
        heartbeatDeadline = deadline;
    }
}
