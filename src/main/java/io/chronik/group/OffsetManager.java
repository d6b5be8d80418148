package io.chronik.group;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import io.chronik.config.ServerConfig.GroupSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Committed offsets of a {@link ClassicGroup}: commit validation (Kafka's rules for members, simple consumers and
 * admin clients), durable commits, deletion and expiry. Offsets change in memory only once their records are durable
 * in the group's offsets partition; each change carries its log offset so that out-of-order completions cannot
 * resurrect an older value. Every method is called with the group's lock held.
 */
final class OffsetManager {

    private final GroupSettings settings;
    private final GroupLog log;
    private final TopicSubscriptions subscriptions;

    OffsetManager(GroupSettings settings, GroupLog log, TopicSubscriptions subscriptions) {
        this.settings = settings;
        this.log = log;
        this.subscriptions = subscriptions;
    }

    /**
     * The group-level error of a commit, as Kafka's {@code ClassicGroup.validateOffsetCommit}: generation -1 with no
     * member is accepted only by an Empty group; otherwise the member must exist (static members not fenced), its
     * generation must be current, and the group must not be waiting for SyncGroup.
     */
    static ErrorCode validateCommit(ClassicGroup group, OffsetCommitRequest req) {
        if (group.isIn(GroupState.DEAD)) {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        if (req.generationId() < 0 && group.isIn(GroupState.EMPTY)) {
            return ErrorCode.NONE;
        }
        if (req.generationId() >= 0 || !req.memberId().isEmpty() || req.groupInstanceId() != null) {
            ErrorCode invalid = group.validateMember(req.memberId(), req.groupInstanceId());
            if (invalid != ErrorCode.NONE) {
                return invalid;
            }
            if (req.generationId() != group.generationId()) {
                return ErrorCode.ILLEGAL_GENERATION;
            }
        } else if (!group.isIn(GroupState.EMPTY)) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        return group.isIn(GroupState.COMPLETING_REBALANCE) ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
    }

    /**
     * Writes the valid offsets of an accepted commit; the future yields every partition's error once they are
     * durable (and visible to OffsetFetch). Metadata longer than {@code offset.metadata.max.bytes} fails its
     * partition with OFFSET_METADATA_TOO_LARGE.
     */
    CompletableFuture<Map<TopicPartition, ErrorCode>> commit(ClassicGroup group, OffsetCommitRequest req,
            long now) {
        Map<TopicPartition, ErrorCode> errors = new LinkedHashMap<>();
        List<GroupRecord> records = new ArrayList<>();
        for (Map.Entry<TopicPartition, CommittedOffset> e : req.offsets().entrySet()) {
            CommittedOffset o = e.getValue();
            if (o.metadata().length() > settings.offsetMetadataMaxBytes()) {
                errors.put(e.getKey(), ErrorCode.OFFSET_METADATA_TOO_LARGE);
            } else {
                errors.put(e.getKey(), ErrorCode.NONE);
                records.add(new GroupRecord.OffsetCommit(group.groupId(), e.getKey(),
                        new CommittedOffset(o.offset(), o.leaderEpoch(), o.metadata(), now)));
            }
        }
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(errors);
        }
        return write(group, records).handle((ignored, failure) -> {
            if (failure != null) {
                ErrorCode error = commitError(failure);
                errors.replaceAll((tp, e) -> e == ErrorCode.NONE ? error : e);
            }
            return errors;
        });
    }

    /**
     * Writes {@code records} of {@code group} and applies them once durable. Group-metadata records are not applied
     * here (see {@link Rebalancer}); offset records update the group's offsets.
     */
    CompletableFuture<Void> write(ClassicGroup group, List<GroupRecord> records) {
        return log.append(group.offsetsPartition(), records).thenAccept(base -> {
            group.lock().lock();
            try {
                long offset = base;
                for (GroupRecord r : records) {
                    if (r instanceof GroupRecord.OffsetCommit c) {
                        group.applyOffset(c.partition(), c.value(), offset);
                    }
                    offset++;
                }
            } finally {
                group.lock().unlock();
            }
        });
    }

    /** Kafka's mapping of a failed offsets write to the error a committer can act on. */
    static ErrorCode commitError(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && !(t instanceof ChronikException)) {
            t = t.getCause();
        }
        if (!(t instanceof ChronikException c)) {
            return ErrorCode.UNKNOWN_SERVER_ERROR;
        }
        return switch (c.error()) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT,
                 COORDINATOR_NOT_AVAILABLE -> ErrorCode.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR, NOT_COORDINATOR -> ErrorCode.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
            default -> ErrorCode.UNKNOWN_SERVER_ERROR;
        };
    }

    /** The committed offsets of {@code partitions}, or of every partition when null; absent ones are omitted. */
    static Map<TopicPartition, CommittedOffset> fetch(ClassicGroup group, List<TopicPartition> partitions) {
        if (partitions == null) {
            return new LinkedHashMap<>(group.offsets());
        }
        Map<TopicPartition, CommittedOffset> result = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            CommittedOffset o = group.offsets().get(tp);
            if (o != null) {
                result.put(tp, o);
            }
        }
        return result;
    }

    /**
     * OffsetDelete: an Empty group may delete any offsets; a non-empty consumer group only those of topics no member
     * subscribes to (GROUP_SUBSCRIBED_TO_TOPIC otherwise); any other non-empty group fails with NON_EMPTY_GROUP.
     *
     * @return per partition error, once the tombstones are durable
     */
    CompletableFuture<Map<TopicPartition, ErrorCode>> delete(ClassicGroup group, List<TopicPartition> partitions) {
        Optional<Set<String>> subscribed = Optional.empty();
        if (!group.isIn(GroupState.EMPTY)) {
            if (!"consumer".equals(group.protocolType())) {
                throw new ChronikException(ErrorCode.NON_EMPTY_GROUP,
                        "Group " + group.groupId() + " is not empty");
            }
            subscribed = group.subscribedTopics(subscriptions);
        }
        Map<TopicPartition, ErrorCode> errors = new LinkedHashMap<>();
        List<GroupRecord> tombstones = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            boolean isSubscribed = !group.isIn(GroupState.EMPTY)
                    && subscribed.map(s -> s.contains(tp.topic())).orElse(true);
            if (isSubscribed) {
                errors.put(tp, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
            } else {
                errors.put(tp, ErrorCode.NONE);
                if (group.offsets().containsKey(tp)) {
                    tombstones.add(new GroupRecord.OffsetCommit(group.groupId(), tp, null));
                }
            }
        }
        if (tombstones.isEmpty()) {
            return CompletableFuture.completedFuture(errors);
        }
        return write(group, tombstones).handle((ignored, failure) -> {
            if (failure != null) {
                ErrorCode error = commitError(failure);
                errors.replaceAll((tp, e) -> e == ErrorCode.NONE ? error : e);
            }
            return errors;
        });
    }

    /**
     * The offsets to remove now: those of deleted topics, and those past {@code offsets.retention.minutes} — for an
     * Empty consumer group counted from when it became empty, for a group without a protocol (simple consumers) from
     * each commit, for a non-empty consumer group only offsets of topics it no longer subscribes to.
     */
    List<TopicPartition> expiredOffsets(ClassicGroup group, long now, Predicate<String> topicExists) {
        long retention = settings.offsetsRetentionMs();
        Optional<Set<String>> subscribed = group.isIn(GroupState.EMPTY) ? Optional.empty()
                : group.subscribedTopics(subscriptions);
        List<TopicPartition> expired = new ArrayList<>();
        Map<TopicPartition, CommittedOffset> offsets = new HashMap<>(group.offsets());
        for (Map.Entry<TopicPartition, CommittedOffset> e : offsets.entrySet()) {
            TopicPartition tp = e.getKey();
            long commitTime = e.getValue().commitTimestamp();
            boolean gone = !topicExists.test(tp.topic());
            boolean old;
            if (group.isIn(GroupState.EMPTY)) {
                long base = group.protocolType() != null ? Math.max(group.stateTimestamp(), commitTime) : commitTime;
                old = base + retention <= now;
            } else {
                old = subscribed.isPresent() && !subscribed.get().contains(tp.topic()) && commitTime + retention <= now;
            }
            if (gone || old) {
                expired.add(tp);
            }
        }
        return expired;
    }
}
