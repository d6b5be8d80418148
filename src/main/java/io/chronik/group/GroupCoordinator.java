package io.chronik.group;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import io.chronik.config.ServerConfig.GroupSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic consumer-group coordinator: groups, members, rebalances and committed offsets, made durable in the
 * offsets partitions through a {@link GroupLog}.
 *
 * <p><b>Ownership.</b> A group lives in offsets partition {@link #partitionFor}{@code (groupId)} (Kafka's
 * {@code abs(groupId.hashCode()) % partitions}). This node coordinates the groups of the partitions it has loaded
 * ({@link #loadPartition}, which replays the partition's log to rebuild its groups and offsets; in a cluster, called on
 * becoming the partition's leader) until {@link #unloadPartition}. Requests for other groups get NOT_COORDINATOR,
 * during a load COORDINATOR_LOAD_IN_PROGRESS.
 *
 * <p><b>Threading.</b> Each group has its own lock; request methods take it briefly and never wait under it (parked
 * JoinGroup/SyncGroup requests and commits waiting for durability are futures). One timer thread runs every
 * {@link #TICK_MS} ms over the groups to fire their deadlines (session expiry, rebalance timeouts, the initial
 * rebalance delay) and, every {@code offsetsRetentionCheckIntervalMs}, the offsets cleanup. Thread-safe.
 */
public final class GroupCoordinator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
    static final long TICK_MS = 50;

    private final GroupSettings settings;
    private final GroupLog groupLog;
    private final Predicate<String> topicExists;
    private final LongSupplier clock;
    private final Rebalancer rebalancer;
    private final OffsetManager offsets;
    private final Map<String, ClassicGroup> groups = new ConcurrentHashMap<>();
    /** Offsets partitions of this node: true once loaded, false while loading. */
    private final Map<Integer, Boolean> partitions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private volatile boolean closed;

    /**
     * @param topicExists whether a topic still exists (offsets of deleted topics are removed)
     */
    public GroupCoordinator(GroupSettings settings, GroupLog groupLog, TopicSubscriptions subscriptions,
            Predicate<String> topicExists, LongSupplier clock) {
        this.settings = settings;
        this.groupLog = groupLog;
        this.topicExists = topicExists;
        this.clock = clock;
        this.rebalancer = new Rebalancer(settings, this::storeGroup, clock);
        this.offsets = new OffsetManager(settings, groupLog, subscriptions);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("chronik-group-timer").daemon().unstarted(r));
    }

    /** Starts the timers. */
    public void start() {
        timer.scheduleWithFixedDelay(this::expireDeadlines, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        long interval = settings.offsetsRetentionCheckIntervalMs();
        timer.scheduleWithFixedDelay(this::cleanupOffsets, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Number of offsets partitions (fixed when {@code __consumer_offsets} was created). */
    public int partitionCount() {
        return settings.offsetsTopicPartitions();
    }

    /** The offsets partition of a group: Kafka's {@code Utils.abs(groupId.hashCode()) % partitions}. */
    public int partitionFor(String groupId) {
        int h = groupId.hashCode();
        return (h == Integer.MIN_VALUE ? 0 : Math.abs(h)) % settings.offsetsTopicPartitions();
    }

    // ---- ownership

    /** Takes over offsets partition {@code p}: replays its log and serves its groups from then on. */
    public void loadPartition(int p) throws IOException {
        partitions.put(p, false);
        long start = System.nanoTime();
        Map<String, GroupRecord.GroupSnapshot> snapshots = new HashMap<>();
        Map<String, ClassicGroup> loaded = new HashMap<>();
        long now = clock.getAsLong();
        groupLog.replay(p, (offset, record) -> {
            ClassicGroup g = loaded.computeIfAbsent(record.groupId(), id -> new ClassicGroup(id, p, now));
            switch (record) {
                case GroupRecord.OffsetCommit c -> g.applyOffset(c.partition(), c.value(), offset);
                case GroupRecord.GroupMetadata m -> {
                    if (m.value() == null) {
                        snapshots.remove(m.groupId());
                    } else {
                        snapshots.put(m.groupId(), m.value());
                    }
                }
            }
        });
        int count = 0;
        for (ClassicGroup g : loaded.values()) {
            GroupRecord.GroupSnapshot s = snapshots.get(g.groupId());
            if (s != null) {
                g.restore(s, now);
            } else if (!g.hasOffsets()) {
                continue;
            }
            groups.put(g.groupId(), g);
            count++;
        }
        partitions.put(p, true);
        if (count > 0) {
            log.info("Loaded {} groups of offsets partition {} in {} ms", count, p,
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** Gives up offsets partition {@code p}: its groups become Dead here; parked requests get NOT_COORDINATOR. */
    public void unloadPartition(int p) {
        partitions.remove(p);
        for (ClassicGroup g : List.copyOf(groups.values())) {
            if (g.offsetsPartition() == p) {
                withLock(g, () -> {
                    for (Member m : g.members()) {
                        m.completeJoin(JoinResult.failed(ErrorCode.NOT_COORDINATOR, m.memberId()));
                        m.completeSync(SyncResult.failed(ErrorCode.NOT_COORDINATOR));
                    }
                    g.transitionTo(GroupState.DEAD, clock.getAsLong());
                    groups.remove(g.groupId(), g);
                    return null;
                });
            }
        }
    }

    /** Whether this node coordinates {@code groupId} now. */
    public boolean isCoordinatorFor(String groupId) {
        return Boolean.TRUE.equals(partitions.get(partitionFor(groupId)));
    }

    /** Throws the Kafka error for a group this node cannot serve now; INVALID_GROUP_ID for an empty id. */
    public void checkCoordinator(String groupId) {
        if (groupId == null || groupId.isEmpty()) {
            throw new ChronikException(ErrorCode.INVALID_GROUP_ID, "The group id must not be empty");
        }
        if (closed) {
            throw new ChronikException(ErrorCode.COORDINATOR_NOT_AVAILABLE, "The group coordinator is shut down");
        }
        Boolean loaded = partitions.get(partitionFor(groupId));
        if (loaded == null) {
            throw new ChronikException(ErrorCode.NOT_COORDINATOR, "This node does not coordinate group " + groupId);
        }
        if (!loaded) {
            throw new ChronikException(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
                    "The offsets partition of group " + groupId + " is being loaded");
        }
    }

    // ---- membership

    /** JoinGroup; the future completes when the rebalance does (or at once for errors and MEMBER_ID_REQUIRED). */
    public CompletableFuture<JoinResult> join(JoinRequest req) {
        checkCoordinator(req.groupId());
        CompletableFuture<JoinResult> response = new CompletableFuture<>();
        if (req.sessionTimeoutMs() < settings.minSessionTimeoutMs()
                || req.sessionTimeoutMs() > settings.maxSessionTimeoutMs()) {
            response.complete(JoinResult.failed(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId()));
            return response;
        }
        ClassicGroup group = req.memberId().isEmpty() ? getOrCreate(req.groupId()) : groups.get(req.groupId());
        if (group == null) {
            response.complete(JoinResult.failed(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId()));
            return response;
        }
        withLock(group, () -> {
            rebalancer.join(group, req, response, clock.getAsLong());
            return null;
        });
        return response;
    }

    public CompletableFuture<SyncResult> sync(SyncRequest req) {
        checkCoordinator(req.groupId());
        CompletableFuture<SyncResult> response = new CompletableFuture<>();
        ClassicGroup group = groups.get(req.groupId());
        if (group == null) {
            response.complete(SyncResult.failed(ErrorCode.UNKNOWN_MEMBER_ID));
            return response;
        }
        withLock(group, () -> {
            rebalancer.sync(group, req, response, clock.getAsLong());
            return null;
        });
        return response;
    }

    public ErrorCode heartbeat(String groupId, String memberId, String groupInstanceId, int generationId) {
        checkCoordinator(groupId);
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        return withLock(group, () -> rebalancer.heartbeat(group, memberId, groupInstanceId, generationId,
                clock.getAsLong()));
    }

    /**
     * LeaveGroup for each member; the result lists them with their errors.
     *
     * @throws ChronikException UNKNOWN_MEMBER_ID when the group does not exist, COORDINATOR_NOT_AVAILABLE when dead
     */
    public List<LeavingMember> leave(String groupId, List<LeavingMember> members) {
        checkCoordinator(groupId);
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            throw new ChronikException(ErrorCode.UNKNOWN_MEMBER_ID, "Group " + groupId + " not found");
        }
        return withLock(group, () -> {
            if (group.isIn(GroupState.DEAD)) {
                throw new ChronikException(ErrorCode.COORDINATOR_NOT_AVAILABLE, "Group " + groupId + " is dead");
            }
            return rebalancer.leave(group, members, clock.getAsLong());
        });
    }

    // ---- offsets

    /**
     * OffsetCommit. Group-level failures (see {@link OffsetManager#validateCommit}) are thrown; a commit with
     * generation -1 creates an Empty group if needed, a member's commit to an unknown group fails with
     * ILLEGAL_GENERATION (GROUP_ID_NOT_FOUND when {@code groupNotFoundError}, OffsetCommit v9+).
     *
     * @return each partition's error, once the commit is durable
     */
    public CompletableFuture<Map<TopicPartition, ErrorCode>> commitOffsets(OffsetCommitRequest req,
            boolean groupNotFoundError) {
        checkCoordinator(req.groupId());
        ClassicGroup group = req.generationId() < 0 ? getOrCreate(req.groupId()) : groups.get(req.groupId());
        if (group == null) {
            throw new ChronikException(groupNotFoundError ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION,
                    "Group " + req.groupId() + " not found");
        }
        return withLock(group, () -> {
            ErrorCode error = OffsetManager.validateCommit(group, req);
            if (error != ErrorCode.NONE) {
                throw new ChronikException(error, "Commit rejected by group " + req.groupId() + ": " + error);
            }
            return offsets.commit(group, req, clock.getAsLong());
        });
    }

    /** The committed offsets of a group (all of them when {@code partitions} is null); empty for unknown groups. */
    public Map<TopicPartition, CommittedOffset> fetchOffsets(String groupId, List<TopicPartition> partitions) {
        checkCoordinator(groupId);
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return Map.of();
        }
        return withLock(group, () -> group.isIn(GroupState.DEAD) ? Map.of()
                : OffsetManager.fetch(group, partitions));
    }

    /**
     * OffsetDelete.
     *
     * @throws ChronikException GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (a non-consumer group with members)
     */
    public CompletableFuture<Map<TopicPartition, ErrorCode>> deleteOffsets(String groupId,
            List<TopicPartition> partitions) {
        checkCoordinator(groupId);
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            throw new ChronikException(ErrorCode.GROUP_ID_NOT_FOUND, "Group " + groupId + " not found");
        }
        return withLock(group, () -> {
            if (group.isIn(GroupState.DEAD)) {
                throw new ChronikException(ErrorCode.GROUP_ID_NOT_FOUND, "Group " + groupId + " not found");
            }
            return offsets.delete(group, partitions);
        });
    }

    // ---- administration

    /** DescribeGroups of one group; null when it does not exist. */
    public GroupDescription describe(String groupId) {
        checkCoordinator(groupId);
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return null;
        }
        return withLock(group, () -> {
            if (group.isIn(GroupState.DEAD)) {
                return null;
            }
            boolean stable = group.isIn(GroupState.STABLE);
            List<GroupDescription.MemberDescription> members = new ArrayList<>();
            for (Member m : group.members()) {
                members.add(new GroupDescription.MemberDescription(m.memberId(), m.groupInstanceId(), m.clientId(),
                        m.clientHost(), stable ? m.metadata(group.protocolName()) : SyncResult.NO_ASSIGNMENT,
                        stable ? m.assignment() : SyncResult.NO_ASSIGNMENT));
            }
            return new GroupDescription(groupId, group.state(),
                    group.protocolType() == null ? "" : group.protocolType(),
                    stable ? group.protocolName() : "", members);
        });
    }

    /** ListGroups of every coordinated group, optionally only those in {@code states} (empty = all). */
    public List<GroupListing> list(Set<GroupState> states) {
        List<GroupListing> result = new ArrayList<>();
        for (ClassicGroup g : groups.values()) {
            if (!Boolean.TRUE.equals(partitions.get(g.offsetsPartition()))) {
                continue;
            }
            GroupListing listing = withLock(g, () -> new GroupListing(g.groupId(),
                    g.protocolType() == null ? "" : g.protocolType(), g.state()));
            if (listing.state() != GroupState.DEAD && (states.isEmpty() || states.contains(listing.state()))) {
                result.add(listing);
            }
        }
        result.sort(Comparator.comparing(GroupListing::groupId));
        return result;
    }

    /**
     * DeleteGroups of one group: its offsets and metadata are tombstoned and it is removed.
     *
     * @return completes once the tombstones are durable; exceptionally with GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP or
     *         the storage error
     */
    public CompletableFuture<Void> deleteGroup(String groupId) {
        checkCoordinator(groupId);
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return CompletableFuture.failedFuture(
                    new ChronikException(ErrorCode.GROUP_ID_NOT_FOUND, "Group " + groupId + " not found"));
        }
        return withLock(group, () -> {
            if (group.isIn(GroupState.DEAD)) {
                return CompletableFuture.failedFuture(
                        new ChronikException(ErrorCode.GROUP_ID_NOT_FOUND, "Group " + groupId + " not found"));
            }
            if (!group.isIn(GroupState.EMPTY)) {
                return CompletableFuture.failedFuture(
                        new ChronikException(ErrorCode.NON_EMPTY_GROUP, "Group " + groupId + " is not empty"));
            }
            List<GroupRecord> tombstones = new ArrayList<>();
            group.offsets().keySet().forEach(tp -> tombstones.add(new GroupRecord.OffsetCommit(groupId, tp, null)));
            tombstones.add(new GroupRecord.GroupMetadata(groupId, null));
            group.transitionTo(GroupState.DEAD, clock.getAsLong());
            groups.remove(groupId, group);
            return groupLog.append(group.offsetsPartition(), tombstones).<Void>thenApply(offset -> null)
                    .exceptionallyCompose(failure -> CompletableFuture.failedFuture(
                            new ChronikException(OffsetManager.commitError(failure), "Deleting group " + groupId
                                    + " failed: " + failure.getMessage())));
        });
    }

    // ---- internals

    private ClassicGroup getOrCreate(String groupId) {
        return groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, partitionFor(id), clock.getAsLong()));
    }

    private CompletableFuture<Long> storeGroup(ClassicGroup group) {
        return groupLog.append(group.offsetsPartition(),
                List.of(new GroupRecord.GroupMetadata(group.groupId(), group.snapshot())));
    }

    private static <T> T withLock(ClassicGroup group, Supplier<T> action) {
        group.lock().lock();
        try {
            return action.get();
        } finally {
            group.lock().unlock();
        }
    }

    private void expireDeadlines() {
        try {
            long now = clock.getAsLong();
            for (ClassicGroup g : groups.values()) {
                withLock(g, () -> {
                    rebalancer.expireDeadlines(g, now);
                    return null;
                });
            }
        } catch (RuntimeException e) {
            log.error("Group timer failed", e);
        }
    }

    /** Removes offsets of deleted topics and expired offsets, then empty groups left without offsets. */
    public void cleanupOffsets() {
        try {
            long now = clock.getAsLong();
            for (ClassicGroup g : groups.values()) {
                withLock(g, () -> cleanup(g, now));
            }
        } catch (RuntimeException e) {
            log.error("Offsets cleanup failed", e);
        }
    }

    /** Schedules {@link #cleanupOffsets} on the timer thread (after topics were deleted, say). */
    public void cleanupOffsetsSoon() {
        if (!closed) {
            timer.execute(this::cleanupOffsets);
        }
    }

    private Void cleanup(ClassicGroup g, long now) {
        if (g.isIn(GroupState.DEAD) || !Boolean.TRUE.equals(partitions.get(g.offsetsPartition()))) {
            return null;
        }
        List<TopicPartition> expired = offsets.expiredOffsets(g, now, topicExists);
        List<GroupRecord> tombstones = new ArrayList<>();
        expired.forEach(tp -> tombstones.add(new GroupRecord.OffsetCommit(g.groupId(), tp, null)));
        boolean removeGroup = g.isIn(GroupState.EMPTY) && expired.size() == g.offsets().size();
        if (removeGroup) {
            tombstones.add(new GroupRecord.GroupMetadata(g.groupId(), null));
            g.transitionTo(GroupState.DEAD, now);
            groups.remove(g.groupId(), g);
        }
        if (!tombstones.isEmpty()) {
            log.info("Removing {} expired offsets of group {}{}", expired.size(), g.groupId(),
                    removeGroup ? " and the group" : "");
            offsets.write(g, tombstones).exceptionally(failure -> {
                log.warn("Writing offset tombstones of group {} failed: {}", g.groupId(), failure.toString());
                return null;
            });
        }
        return null;
    }

    /** Stops the timers and unloads every partition (parked requests get NOT_COORDINATOR). */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        for (Integer p : List.copyOf(partitions.keySet())) {
            unloadPartition(p);
        }
    }

    /** For tests: a view of the group's state, or null. */
    GroupState stateOf(String groupId) {
        ClassicGroup g = groups.get(groupId);
        return g == null ? null : withLock(g, g::state);
    }
}
