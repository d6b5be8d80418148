package io.chronik.metadata;

/**
 * The effective, typed configuration of one topic: its explicit overrides resolved against the server defaults by
 * {@code TopicConfigs.resolve}. Names follow Kafka's topic configs.
 *
 * @param segmentBytes          {@code segment.bytes}
 * @param segmentMs             {@code segment.ms}
 * @param retentionMs           {@code retention.ms} (-1 = forever)
 * @param retentionBytes        {@code retention.bytes} (-1 = unlimited)
 * @param flushMessages         {@code flush.messages} (Chronik default 1: force before acknowledging)
 * @param flushMs               {@code flush.ms}
 * @param indexIntervalBytes    {@code index.interval.bytes}
 * @param segmentIndexBytes     {@code segment.index.bytes}
 * @param compact               {@code cleanup.policy} contains compact
 * @param delete                {@code cleanup.policy} contains delete
 * @param maxMessageBytes       {@code max.message.bytes}: largest record batch accepted
 * @param logAppendTime         {@code message.timestamp.type} is LogAppendTime
 * @param timestampBeforeMaxMs  {@code message.timestamp.before.max.ms}
 * @param timestampAfterMaxMs   {@code message.timestamp.after.max.ms}
 * @param minInsyncReplicas     {@code min.insync.replicas}
 * @param uncleanLeaderElection {@code unclean.leader.election.enable}
 * @param minCleanableDirtyRatio {@code min.cleanable.dirty.ratio}
 * @param minCompactionLagMs    {@code min.compaction.lag.ms}
 * @param deleteRetentionMs     {@code delete.retention.ms}: how long a compacted tombstone stays
 * @param preallocate           {@code preallocate}: zero-fill the active segment ahead of the appends
 */
public record TopicConfig(
        int segmentBytes,
        long segmentMs,
        long retentionMs,
        long retentionBytes,
        long flushMessages,
        long flushMs,
        int indexIntervalBytes,
        int segmentIndexBytes,
        boolean compact,
        boolean delete,
        int maxMessageBytes,
        boolean logAppendTime,
        long timestampBeforeMaxMs,
        long timestampAfterMaxMs,
        int minInsyncReplicas,
        boolean uncleanLeaderElection,
        double minCleanableDirtyRatio,
        long minCompactionLagMs,
        long deleteRetentionMs,
        boolean preallocate) {}
