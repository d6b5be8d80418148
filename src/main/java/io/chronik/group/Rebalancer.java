package io.chronik.group;

import io.chronik.common.ErrorCode;
import io.chronik.config.ServerConfig.GroupSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's classic rebalance protocol over a {@link ClassicGroup}: JoinGroup (with the MEMBER_ID_REQUIRED round trip,
 * static-member replacement and the initial rebalance delay), SyncGroup, Heartbeat, LeaveGroup, and the timers
 * (session expiry, rebalance timeout, pending-sync expiry). Every method is called with the group's lock held; parked
 * requests are answered by completing their futures, still under the lock. The group's metadata is written to the
 * {@link GroupLog} when a generation completes (leader's SyncGroup), when a static member is replaced without a
 * rebalance, and when the group becomes Empty.
 */
final class Rebalancer {

    private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);
    /** How long a new member's JoinGroup may stay parked (Kafka's group.classic.new.member.join.timeout.ms). */
    static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000;

    private final GroupSettings settings;
    private final GroupStore store;
    private final LongSupplier clock;

    /** Writes a group's metadata; the future completes once durable. */
    interface GroupStore {
        CompletableFuture<Long> storeGroup(ClassicGroup group);
    }

    Rebalancer(GroupSettings settings, GroupStore store, LongSupplier clock) {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
    }

    // ---- JoinGroup

    void join(ClassicGroup group, JoinRequest req, CompletableFuture<JoinResult> response, long now) {
        boolean unknown = req.memberId().isEmpty();
        if (!acceptsJoiningMember(group, req.memberId())) {
            response.complete(JoinResult.failed(ErrorCode.GROUP_MAX_SIZE_REACHED, ""));
            return;
        }
        if (group.isIn(GroupState.DEAD)) {
            response.complete(JoinResult.failed(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId()));
            return;
        }
        if (!group.supportsProtocols(req.protocolType(), req.protocols())) {
            response.complete(JoinResult.failed(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId()));
            return;
        }
        if (unknown) {
            String newMemberId = group.newMemberId(req.clientId(), req.groupInstanceId());
            if (req.groupInstanceId() != null) {
                String existing = group.staticMemberId(req.groupInstanceId());
                if (existing != null) {
                    replaceStaticMember(group, req, existing, newMemberId, response, now);
                } else {
                    addMember(group, req, newMemberId, response, now);
                }
            } else if (req.requireKnownMemberId()) {
                group.addPendingMember(newMemberId, now + req.sessionTimeoutMs());
                response.complete(JoinResult.failed(ErrorCode.MEMBER_ID_REQUIRED, newMemberId));
            } else {
                addMember(group, req, newMemberId, response, now);
            }
            return;
        }
        if (group.isPendingMember(req.memberId())) {
            addMember(group, req, req.memberId(), response, now);
            return;
        }
        ErrorCode invalid = group.validateMember(req.memberId(), req.groupInstanceId());
        if (invalid != ErrorCode.NONE) {
            response.complete(JoinResult.failed(invalid, req.memberId()));
            return;
        }
        Member member = group.member(req.memberId());
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMember(group, member, req, response, now);
            case COMPLETING_REBALANCE -> {
                if (member.matches(req.protocols())) {
                    // The member missed the JoinGroup response: answer with the current generation again.
                    response.complete(group.joinResult(member.memberId(), group.isLeader(member.memberId()), false));
                } else {
                    updateMember(group, member, req, response, now);
                }
            }
            case STABLE -> {
                if (group.isLeader(member.memberId()) || !member.matches(req.protocols())) {
                    // A leader's join forces a rebalance (it may have seen topic metadata change).
                    updateMember(group, member, req, response, now);
                } else {
                    response.complete(group.joinResult(member.memberId(), false, false));
                }
            }
            default -> response.complete(JoinResult.failed(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId()));
        }
    }

    private boolean acceptsJoiningMember(ClassicGroup group, String memberId) {
        return switch (group.state()) {
            case EMPTY, DEAD -> true;
            case PREPARING_REBALANCE -> (group.hasMember(memberId) && group.member(memberId).isAwaitingJoin())
                    || group.membersAwaitingJoin() < settings.maxGroupSize();
            case COMPLETING_REBALANCE, STABLE -> group.hasMember(memberId) || group.size() < settings.maxGroupSize();
        };
    }

    private void addMember(ClassicGroup group, JoinRequest req, String memberId,
            CompletableFuture<JoinResult> response, long now) {
        Member member = new Member(memberId, req.groupInstanceId(), req.clientId(), req.clientHost(),
                req.protocolType(), req.sessionTimeoutMs(), req.rebalanceTimeoutMs(), req.protocols());
        member.setNew(true);
        if (group.isIn(GroupState.PREPARING_REBALANCE) && group.previousState() == GroupState.EMPTY) {
            group.setNewMemberAdded(true);
        }
        group.add(member);
        member.awaitJoin(response);
        // A new member cannot heartbeat yet; its parked join is bounded instead (it retries if still there).
        member.setHeartbeatDeadline(now + NEW_MEMBER_JOIN_TIMEOUT_MS);
        prepareRebalanceOrCompleteJoin(group, "new member " + memberId + " joined", now);
    }

    private void updateMember(ClassicGroup group, Member member, JoinRequest req,
            CompletableFuture<JoinResult> response, long now) {
        member.update(req.protocols(), req.sessionTimeoutMs(), req.rebalanceTimeoutMs());
        member.awaitJoin(response);
        prepareRebalanceOrCompleteJoin(group, "member " + member.memberId() + " rejoined", now);
    }

    private void replaceStaticMember(ClassicGroup group, JoinRequest req, String oldMemberId, String newMemberId,
            CompletableFuture<JoinResult> response, long now) {
        Member member = group.replaceStaticMember(req.groupInstanceId(), oldMemberId, newMemberId);
        member.setHeartbeatDeadline(now + req.sessionTimeoutMs());
        member.update(req.protocols(), req.sessionTimeoutMs(), req.rebalanceTimeoutMs());
        member.awaitJoin(response);
        log.info("Static member {} of group {} rejoined as {} (was {})", req.groupInstanceId(), group.groupId(),
                newMemberId, oldMemberId);
        switch (group.state()) {
            case STABLE -> {
                if (!group.selectProtocol().equals(group.protocolName())) {
                    prepareRebalanceOrCompleteJoin(group, "static member changed the selected protocol", now);
                    return;
                }
                // Unchanged protocol: no rebalance. Persist the new member id, then answer with the current
                // generation; a leader skips the assignment (JoinGroup v9+), since the group keeps its assignment.
                int generation = group.generationId();
                store.storeGroup(group).whenComplete((offset, failure) -> {
                    group.lock().lock();
                    try {
                        if (failure != null) {
                            member.completeJoin(JoinResult.failed(ErrorCode.COORDINATOR_NOT_AVAILABLE, ""));
                        } else if (group.generationId() == generation && group.hasMember(newMemberId)) {
                            group.setHasMetadataRecord(true);
                            boolean leader = group.isLeader(newMemberId);
                            member.completeJoin(group.joinResult(newMemberId,
                                    leader && req.supportsSkipAssignment(), leader && req.supportsSkipAssignment()));
                        }
                    } finally {
                        group.lock().unlock();
                    }
                });
            }
            case COMPLETING_REBALANCE ->
                // The leader may be assigning to the old member id: start over so the new id gets an assignment.
                    prepareRebalance(group, "static member " + req.groupInstanceId() + " rejoined", now);
            default -> maybeCompleteJoin(group, now);
        }
    }

    private void prepareRebalanceOrCompleteJoin(ClassicGroup group, String reason, long now) {
        if (group.isIn(GroupState.STABLE) || group.isIn(GroupState.COMPLETING_REBALANCE)
                || group.isIn(GroupState.EMPTY)) {
            prepareRebalance(group, reason, now);
        } else {
            maybeCompleteJoin(group, now);
        }
    }

    void prepareRebalance(ClassicGroup group, String reason, long now) {
        if (group.isIn(GroupState.COMPLETING_REBALANCE)) {
            for (Member m : group.members()) {
                m.setAssignment(null);
                m.completeSync(SyncResult.failed(ErrorCode.REBALANCE_IN_PROGRESS));
            }
        }
        group.setSyncDeadline(ClassicGroup.NO_DEADLINE);
        boolean initial = group.isIn(GroupState.EMPTY);
        group.transitionTo(GroupState.PREPARING_REBALANCE, now);
        log.info("Preparing to rebalance group {} with old generation {} ({})", group.groupId(),
                group.generationId(), reason);
        if (initial) {
            int delay = settings.initialRebalanceDelayMs();
            group.setNewMemberAdded(false);
            group.scheduleJoin(now + delay, true, Math.max(group.rebalanceTimeoutMs() - delay, 0));
        } else if (group.hasAllMembersJoined()) {
            completeJoin(group, now);
        } else {
            group.scheduleJoin(now + group.rebalanceTimeoutMs(), false, 0);
        }
    }

    private void maybeCompleteJoin(ClassicGroup group, long now) {
        if (group.isIn(GroupState.PREPARING_REBALANCE) && !group.inInitialDelay() && group.hasAllMembersJoined()) {
            completeJoin(group, now);
        }
    }

    /** Ends the join phase: drops dynamic members that did not rejoin, starts the next generation, answers joins. */
    void completeJoin(ClassicGroup group, long now) {
        group.cancelJoin();
        for (Member m : group.notYetRejoinedMembers()) {
            if (!m.isStatic()) {
                log.info("Removing member {} of group {}: it did not rejoin in time", m.memberId(), group.groupId());
                m.completeSync(SyncResult.failed(ErrorCode.UNKNOWN_MEMBER_ID));
                group.remove(m.memberId());
            }
        }
        if (group.isIn(GroupState.DEAD)) {
            return;
        }
        if (!group.isEmpty() && group.membersAwaitingJoin() == 0) {
            // Only static members that have not rejoined: wait until they rejoin or their sessions expire.
            group.scheduleJoin(now + group.rebalanceTimeoutMs(), false, 0);
            return;
        }
        group.initNextGeneration(now);
        if (group.isIn(GroupState.EMPTY)) {
            log.info("Group {} is empty at generation {}", group.groupId(), group.generationId());
            store.storeGroup(group).thenRun(() -> markStored(group));
            return;
        }
        log.info("Group {} has generation {} with {} members, protocol {}", group.groupId(), group.generationId(),
                group.size(), group.protocolName());
        int maxRebalanceTimeout = group.rebalanceTimeoutMs();
        for (Member m : group.members()) {
            boolean leader = group.isLeader(m.memberId());
            m.completeJoin(group.joinResult(m.memberId(), leader, false));
            m.setNew(false);
            m.setHeartbeatDeadline(now + m.sessionTimeoutMs());
            group.pendingSyncMembers().add(m.memberId());
        }
        group.setSyncDeadline(now + maxRebalanceTimeout);
    }

    private void markStored(ClassicGroup group) {
        group.lock().lock();
        try {
            group.setHasMetadataRecord(true);
        } finally {
            group.lock().unlock();
        }
    }

    // ---- SyncGroup

    void sync(ClassicGroup group, SyncRequest req, CompletableFuture<SyncResult> response, long now) {
        ErrorCode error = validateSync(group, req);
        if (error != ErrorCode.NONE) {
            response.complete(SyncResult.failed(error));
            return;
        }
        switch (group.state()) {
            case PREPARING_REBALANCE -> response.complete(SyncResult.failed(ErrorCode.REBALANCE_IN_PROGRESS));
            case COMPLETING_REBALANCE -> {
                Member member = group.member(req.memberId());
                member.awaitSync(response);
                removePendingSyncMember(group, req.memberId());
                if (group.isLeader(req.memberId())) {
                    storeAssignment(group, req, now);
                }
            }
            case STABLE -> {
                removePendingSyncMember(group, req.memberId());
                Member member = group.member(req.memberId());
                response.complete(new SyncResult(ErrorCode.NONE, group.protocolType(), group.protocolName(),
                        member.assignment()));
            }
            default -> response.complete(SyncResult.failed(ErrorCode.UNKNOWN_MEMBER_ID));
        }
    }

    private ErrorCode validateSync(ClassicGroup group, SyncRequest req) {
        if (group.isIn(GroupState.DEAD)) {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        ErrorCode invalid = group.validateMember(req.memberId(), req.groupInstanceId());
        if (invalid != ErrorCode.NONE) {
            return invalid;
        }
        if (req.generationId() != group.generationId()) {
            return ErrorCode.ILLEGAL_GENERATION;
        }
        if (inconsistent(req.protocolType(), group.protocolType())
                || inconsistent(req.protocolName(), group.protocolName())) {
            return ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
        }
        return ErrorCode.NONE;
    }

    private static boolean inconsistent(String requested, String current) {
        return requested != null && current != null && !requested.equals(current);
    }

    private void removePendingSyncMember(ClassicGroup group, String memberId) {
        group.pendingSyncMembers().remove(memberId);
        if (group.pendingSyncMembers().isEmpty()) {
            group.setSyncDeadline(ClassicGroup.NO_DEADLINE);
        }
    }

    private void storeAssignment(ClassicGroup group, SyncRequest req, long now) {
        Map<String, byte[]> assignment = new HashMap<>(req.assignments());
        for (Member m : group.members()) {
            assignment.putIfAbsent(m.memberId(), SyncResult.NO_ASSIGNMENT);
        }
        int generation = group.generationId();
        Map<String, byte[]> previous = new HashMap<>();
        // The snapshot written must carry the new assignment; it is only published once durable.
        for (Member m : group.members()) {
            previous.put(m.memberId(), m.assignment());
            m.setAssignment(assignment.get(m.memberId()));
        }
        CompletableFuture<Long> stored = store.storeGroup(group);
        for (Member m : group.members()) {
            m.setAssignment(previous.get(m.memberId()));
        }
        stored.whenComplete((offset, failure) -> {
            group.lock().lock();
            try {
                if (!group.isIn(GroupState.COMPLETING_REBALANCE) || group.generationId() != generation) {
                    return;
                }
                long at = clock.getAsLong();
                if (failure != null) {
                    log.warn("Storing the assignment of group {} failed: {}", group.groupId(), failure.toString());
                    for (Member m : group.members()) {
                        m.setAssignment(null);
                        m.completeSync(SyncResult.failed(ErrorCode.COORDINATOR_NOT_AVAILABLE));
                    }
                    prepareRebalance(group, "storing the assignment failed", at);
                    return;
                }
                group.setHasMetadataRecord(true);
                for (Member m : group.members()) {
                    m.setAssignment(assignment.get(m.memberId()));
                    m.completeSync(new SyncResult(ErrorCode.NONE, group.protocolType(), group.protocolName(),
                            m.assignment()));
                }
                group.transitionTo(GroupState.STABLE, at);
            } finally {
                group.lock().unlock();
            }
        });
    }

    // ---- Heartbeat

    ErrorCode heartbeat(ClassicGroup group, String memberId, String groupInstanceId, int generationId, long now) {
        if (group.isIn(GroupState.DEAD)) {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        ErrorCode invalid = group.validateMember(memberId, groupInstanceId);
        if (invalid != ErrorCode.NONE) {
            return invalid;
        }
        if (generationId != group.generationId()) {
            return ErrorCode.ILLEGAL_GENERATION;
        }
        Member member = group.member(memberId);
        return switch (group.state()) {
            case EMPTY -> ErrorCode.UNKNOWN_MEMBER_ID;
            case PREPARING_REBALANCE -> {
                member.setHeartbeatDeadline(now + member.sessionTimeoutMs());
                yield ErrorCode.REBALANCE_IN_PROGRESS;
            }
            case COMPLETING_REBALANCE, STABLE -> {
                member.setHeartbeatDeadline(now + member.sessionTimeoutMs());
                yield ErrorCode.NONE;
            }
            case DEAD -> ErrorCode.COORDINATOR_NOT_AVAILABLE;
        };
    }

    // ---- LeaveGroup

    List<LeavingMember> leave(ClassicGroup group, List<LeavingMember> leaving, long now) {
        List<LeavingMember> results = new ArrayList<>();
        boolean anyLeft = false;
        for (LeavingMember l : leaving) {
            if (l.memberId().isEmpty()) {
                String id = l.groupInstanceId() == null ? null : group.staticMemberId(l.groupInstanceId());
                if (id == null) {
                    results.add(l.withError(ErrorCode.UNKNOWN_MEMBER_ID));
                } else {
                    removeMember(group, id, "left the group (by instance id)");
                    results.add(l.withError(ErrorCode.NONE));
                    anyLeft = true;
                }
            } else if (group.isPendingMember(l.memberId())) {
                group.removePendingMember(l.memberId());
                results.add(l.withError(ErrorCode.NONE));
                anyLeft = true;
            } else {
                ErrorCode invalid = group.validateMember(l.memberId(), l.groupInstanceId());
                if (invalid == ErrorCode.NONE) {
                    removeMember(group, l.memberId(), "left the group");
                    anyLeft = true;
                }
                results.add(l.withError(invalid));
            }
        }
        if (anyLeft) {
            afterMemberRemoved(group, "members left", now);
        }
        return results;
    }

    private void removeMember(ClassicGroup group, String memberId, String why) {
        Member m = group.member(memberId);
        log.info("Member {} of group {} {}", memberId, group.groupId(), why);
        m.completeJoin(JoinResult.failed(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
        m.completeSync(SyncResult.failed(ErrorCode.UNKNOWN_MEMBER_ID));
        group.remove(memberId);
    }

    private void afterMemberRemoved(ClassicGroup group, String reason, long now) {
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, reason, now);
            case PREPARING_REBALANCE -> maybeCompleteJoin(group, now);
            default -> {
            }
        }
    }

    // ---- timers

    /** Runs every deadline of the group that has passed. */
    void expireDeadlines(ClassicGroup group, long now) {
        if (group.isIn(GroupState.DEAD)) {
            return;
        }
        List<String> expiredPending = group.pendingMembers().entrySet().stream()
                .filter(e -> e.getValue() <= now).map(Map.Entry::getKey).toList();
        for (String id : expiredPending) {
            log.info("Pending member {} of group {} did not rejoin within its session timeout", id, group.groupId());
            group.removePendingMember(id);
        }
        if (!expiredPending.isEmpty()) {
            maybeCompleteJoin(group, now);
        }
        for (Member m : List.copyOf(group.members())) {
            if (m.heartbeatDeadline() > now) {
                continue;
            }
            if (m.hasSatisfiedHeartbeat()) {
                m.setHeartbeatDeadline(ClassicGroup.NO_DEADLINE);
            } else {
                removeMember(group, m.memberId(), "expired (no heartbeat within " + m.sessionTimeoutMs() + " ms)");
                afterMemberRemoved(group, "member session expired", now);
            }
        }
        if (group.isIn(GroupState.PREPARING_REBALANCE) && group.joinDeadline() <= now) {
            if (group.inInitialDelay() && group.newMemberAdded() && group.initialDelayRemainingMs() > 0) {
                int remaining = group.initialDelayRemainingMs();
                int delay = Math.min(settings.initialRebalanceDelayMs(), remaining);
                group.setNewMemberAdded(false);
                group.scheduleJoin(now + delay, true, Math.max(remaining - settings.initialRebalanceDelayMs(), 0));
            } else {
                completeJoin(group, now);
            }
        }
        if (group.syncDeadline() <= now) {
            group.setSyncDeadline(ClassicGroup.NO_DEADLINE);
            if ((group.isIn(GroupState.COMPLETING_REBALANCE) || group.isIn(GroupState.STABLE))
                    && !group.pendingSyncMembers().isEmpty()) {
                for (String id : List.copyOf(group.pendingSyncMembers())) {
                    removeMember(group, id, "sent no SyncGroup within the rebalance timeout");
                }
                prepareRebalance(group, "members did not sync", now);
            }
        }
    }
}
