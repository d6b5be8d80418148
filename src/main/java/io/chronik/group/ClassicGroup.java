package io.chronik.group;

import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One classic group: its state, generation, members (with the static-member index and the pending dynamic members
 * that got MEMBER_ID_REQUIRED), the selected protocol, its deadlines, and its committed offsets. This class holds the
 * data and the primitive transitions; {@link Rebalancer} runs Kafka's rebalance algorithm over it and
 * {@link OffsetManager} its offsets.
 *
 * <p>Not thread-safe: every access holds {@link #lock()}.
 */
final class ClassicGroup {

    static final long NO_DEADLINE = Long.MAX_VALUE;

    private final String groupId;
    private final int offsetsPartition;
    private final ReentrantLock lock = new ReentrantLock();
    private GroupState state = GroupState.EMPTY;
    private GroupState previousState = GroupState.EMPTY;
    private long stateTimestamp;
    private int generationId;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Map<String, Long> pendingMembers = new HashMap<>();
    private final Set<String> pendingSyncMembers = new HashSet<>();
    private boolean newMemberAdded;
    private long joinDeadline = NO_DEADLINE;
    private boolean initialDelay;
    private int initialDelayRemainingMs;
    private long syncDeadline = NO_DEADLINE;
    private boolean hasMetadataRecord;
    private final Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
    private final Map<TopicPartition, Long> offsetVersions = new HashMap<>();

    ClassicGroup(String groupId, int offsetsPartition, long now) {
        this.groupId = groupId;
        this.offsetsPartition = offsetsPartition;
        this.stateTimestamp = now;
    }

    ReentrantLock lock() {
        return lock;
    }

    String groupId() {
        return groupId;
    }

    int offsetsPartition() {
        return offsetsPartition;
    }

    GroupState state() {
        return state;
    }

    boolean isIn(GroupState s) {
        return state == s;
    }

    GroupState previousState() {
        return previousState;
    }

    long stateTimestamp() {
        return stateTimestamp;
    }

    void transitionTo(GroupState next, long now) {
        previousState = state;
        state = next;
        stateTimestamp = now;
    }

    int generationId() {
        return generationId;
    }

    /** Null until a first member joined (and stays null for groups made by offset commits only). */
    String protocolType() {
        return protocolType;
    }

    String protocolName() {
        return protocolName;
    }

    String leaderId() {
        return leaderId;
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    boolean hasMetadataRecord() {
        return hasMetadataRecord;
    }

    void setHasMetadataRecord(boolean value) {
        hasMetadataRecord = value;
    }

    // ---- members

    boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    Member member(String memberId) {
        return members.get(memberId);
    }

    Collection<Member> members() {
        return members.values();
    }

    int size() {
        return members.size();
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    String staticMemberId(String groupInstanceId) {
        return staticMembers.get(groupInstanceId);
    }

    String newMemberId(String clientId, String groupInstanceId) {
        return (groupInstanceId != null ? groupInstanceId : clientId) + "-" + UUID.randomUUID();
    }

    void add(Member member) {
        if (members.isEmpty()) {
            protocolType = member.protocolType();
        }
        members.put(member.memberId(), member);
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId(), member.memberId());
        }
        pendingMembers.remove(member.memberId());
        if (leaderId == null) {
            leaderId = member.memberId();
        }
    }

    /** Removes a member (its parked requests are answered by the caller first). */
    void remove(String memberId) {
        Member m = members.remove(memberId);
        if (m == null) {
            return;
        }
        if (m.isStatic() && memberId.equals(staticMembers.get(m.groupInstanceId()))) {
            staticMembers.remove(m.groupInstanceId());
        }
        pendingSyncMembers.remove(memberId);
        if (memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    /** A restarted static member takes over the old member's place under {@code newMemberId}. */
    Member replaceStaticMember(String groupInstanceId, String oldMemberId, String newMemberId) {
        Member old = members.remove(oldMemberId);
        old.completeJoin(JoinResult.failed(ErrorCode.FENCED_INSTANCE_ID, oldMemberId));
        old.completeSync(SyncResult.failed(ErrorCode.FENCED_INSTANCE_ID));
        Member replacement = old.withMemberId(newMemberId);
        members.put(newMemberId, replacement);
        staticMembers.put(groupInstanceId, newMemberId);
        if (oldMemberId.equals(leaderId)) {
            leaderId = newMemberId;
        }
        if (pendingSyncMembers.remove(oldMemberId)) {
            pendingSyncMembers.add(newMemberId);
        }
        return replacement;
    }

    /**
     * Checks that {@code memberId} (with {@code groupInstanceId} for a static member) is a current member:
     * FENCED_INSTANCE_ID when the instance id maps to another member id, UNKNOWN_MEMBER_ID when not a member.
     */
    ErrorCode validateMember(String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String existing = staticMembers.get(groupInstanceId);
            if (existing == null) {
                return ErrorCode.UNKNOWN_MEMBER_ID;
            }
            if (!existing.equals(memberId)) {
                return ErrorCode.FENCED_INSTANCE_ID;
            }
        }
        return members.containsKey(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
    }

    boolean isPendingMember(String memberId) {
        return pendingMembers.containsKey(memberId);
    }

    void addPendingMember(String memberId, long deadline) {
        pendingMembers.put(memberId, deadline);
    }

    void removePendingMember(String memberId) {
        pendingMembers.remove(memberId);
    }

    Map<String, Long> pendingMembers() {
        return pendingMembers;
    }

    boolean hasAllMembersJoined() {
        return pendingMembers.isEmpty() && members.values().stream().allMatch(Member::isAwaitingJoin);
    }

    int membersAwaitingJoin() {
        return (int) members.values().stream().filter(Member::isAwaitingJoin).count();
    }

    List<Member> notYetRejoinedMembers() {
        return members.values().stream().filter(m -> !m.isAwaitingJoin()).toList();
    }

    Set<String> pendingSyncMembers() {
        return pendingSyncMembers;
    }

    /** The longest rebalance timeout of the members: how long a rebalance waits for them. */
    int rebalanceTimeoutMs() {
        return members.values().stream().mapToInt(Member::rebalanceTimeoutMs).max().orElse(0);
    }

    // ---- protocols

    /**
     * Whether a member with these protocols may join: the group is empty (any non-empty protocol list), or it has
     * the group's protocol type and shares at least one protocol with every member.
     */
    boolean supportsProtocols(String memberProtocolType, List<Protocol> memberProtocols) {
        if (memberProtocolType == null || memberProtocolType.isEmpty() || memberProtocols.isEmpty()) {
            return false;
        }
        if (members.isEmpty()) {
            return true;
        }
        if (!memberProtocolType.equals(protocolType)) {
            return false;
        }
        return memberProtocols.stream().anyMatch(p -> members.values().stream().allMatch(m -> m.supports(p.name())));
    }

    /**
     * The protocol for the next generation: among those every member supports, the one with most votes, each member
     * voting for the first of its own protocols that is a candidate (Kafka's rule).
     */
    String selectProtocol() {
        Set<String> candidates = new HashSet<>();
        members.values().iterator().next().protocols().forEach(p -> candidates.add(p.name()));
        members.values().forEach(m -> candidates.removeIf(c -> !m.supports(c)));
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (Member m : members.values()) {
            m.protocols().stream().map(Protocol::name).filter(candidates::contains).findFirst()
                    .ifPresent(name -> votes.merge(name, 1, Integer::sum));
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElseThrow(() -> new IllegalStateException("No common protocol in group " + groupId));
    }

    /** Starts the next generation: Empty when no member is left, else CompletingRebalance with a protocol. */
    void initNextGeneration(long now) {
        generationId++;
        if (!members.isEmpty()) {
            protocolName = selectProtocol();
            if (leaderId == null || !members.get(leaderId).isAwaitingJoin()) {
                leaderId = members.values().stream().filter(Member::isAwaitingJoin).findFirst()
                        .map(Member::memberId).orElse(members.keySet().iterator().next());
            }
            transitionTo(GroupState.COMPLETING_REBALANCE, now);
        } else {
            protocolName = null;
            leaderId = null;
            transitionTo(GroupState.EMPTY, now);
        }
        pendingSyncMembers.clear();
    }

    /** The members with their metadata for the selected protocol, as the leader gets them. */
    List<JoinResult.JoinedMember> joinedMembers() {
        List<JoinResult.JoinedMember> list = new ArrayList<>();
        for (Member m : members.values()) {
            list.add(new JoinResult.JoinedMember(m.memberId(), m.groupInstanceId(), m.metadata(protocolName)));
        }
        return list;
    }

    JoinResult joinResult(String memberId, boolean withMembers, boolean skipAssignment) {
        return new JoinResult(ErrorCode.NONE, memberId, generationId, protocolType, protocolName, leaderId,
                skipAssignment, withMembers ? joinedMembers() : List.of());
    }

    // ---- deadlines

    long joinDeadline() {
        return joinDeadline;
    }

    boolean inInitialDelay() {
        return initialDelay;
    }

    int initialDelayRemainingMs() {
        return initialDelayRemainingMs;
    }

    void scheduleJoin(long deadline, boolean isInitialDelay, int remainingMs) {
        joinDeadline = deadline;
        initialDelay = isInitialDelay;
        initialDelayRemainingMs = remainingMs;
    }

    void cancelJoin() {
        joinDeadline = NO_DEADLINE;
        initialDelay = false;
    }

    boolean newMemberAdded() {
        return newMemberAdded;
    }

    void setNewMemberAdded(boolean value) {
        newMemberAdded = value;
    }

    long syncDeadline() {
        return syncDeadline;
    }

    void setSyncDeadline(long deadline) {
        syncDeadline = deadline;
    }

    // ---- persistence

    GroupRecord.GroupSnapshot snapshot() {
        List<GroupRecord.MemberSnapshot> ms = new ArrayList<>();
        for (Member m : members.values()) {
            ms.add(new GroupRecord.MemberSnapshot(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                    m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), m.metadata(protocolName), m.assignment()));
        }
        return new GroupRecord.GroupSnapshot(protocolType, generationId, protocolName, leaderId, stateTimestamp, ms);
    }

    /** Restores a group from its last stored snapshot: Stable with its members, or Empty. */
    void restore(GroupRecord.GroupSnapshot s, long now) {
        members.clear();
        staticMembers.clear();
        generationId = s.generationId();
        protocolType = s.protocolType();
        protocolName = s.protocolName();
        leaderId = s.leaderId();
        for (GroupRecord.MemberSnapshot ms : s.members()) {
            Member m = new Member(ms.memberId(), ms.groupInstanceId(), ms.clientId(), ms.clientHost(), protocolType,
                    ms.sessionTimeoutMs(), ms.rebalanceTimeoutMs(), List.of(new Protocol(protocolName, ms.metadata())));
            m.setAssignment(ms.assignment());
            m.setHeartbeatDeadline(now + ms.sessionTimeoutMs());
            members.put(m.memberId(), m);
            if (m.isStatic()) {
                staticMembers.put(m.groupInstanceId(), m.memberId());
            }
        }
        state = members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE;
        previousState = state;
        stateTimestamp = s.stateTimestamp();
        hasMetadataRecord = true;
    }

    // ---- offsets

    Map<TopicPartition, CommittedOffset> offsets() {
        return offsets;
    }

    boolean hasOffsets() {
        return !offsets.isEmpty();
    }

    /** Applies a durable offset change at log offset {@code version}, unless a later one was applied already. */
    void applyOffset(TopicPartition tp, CommittedOffset value, long version) {
        Long current = offsetVersions.get(tp);
        if (current != null && current > version) {
            return;
        }
        offsetVersions.put(tp, version);
        if (value == null) {
            offsets.remove(tp);
        } else {
            offsets.put(tp, value);
        }
    }

    /** The topics the members subscribe to, when every member's metadata can be read. */
    Optional<Set<String>> subscribedTopics(TopicSubscriptions subscriptions) {
        if (protocolType == null || protocolName == null || members.isEmpty()) {
            return Optional.empty();
        }
        Set<String> topics = new HashSet<>();
        for (Member m : members.values()) {
            Optional<Set<String>> t = subscriptions.topicsOf(protocolType, m.metadata(protocolName));
            if (t.isEmpty()) {
                return Optional.empty();
            }
            topics.addAll(t.get());
        }
        return Optional.of(topics);
    }
}
