package io.chronik.log;

/**
 * Settings of one partition log, resolved by the broker from the topic's configs and the server defaults.
 *
 * @param segmentBytes       roll the active segment once it would exceed this many bytes ({@code segment.bytes})
 * @param segmentMs          roll the active segment once its first batch is older than this ({@code segment.ms})
 * @param retentionMs        delete closed segments whose newest timestamp is older than this; -1 keeps them forever
 * @param retentionBytes     delete the oldest closed segments while the log is larger than this; -1 for no limit
 * @param flushMessages      force to disk at least every this many messages; 1 (Chronik's default) means an append is
 *                           only reported durable once forced, larger values relax durability the Kafka way
 * @param flushMs            force to disk at least this often (ms); Long.MAX_VALUE for no time-based flush
 * @param indexIntervalBytes bytes between two entries of the sparse offset/time index ({@code index.interval.bytes})
 * @param segmentIndexBytes  maximum size of one index file; a full index rolls the segment ({@code segment.index.bytes})
 * @param compact            {@code cleanup.policy} contains {@code compact}
 * @param deleteRetention    {@code cleanup.policy} contains {@code delete}
 * @param minCleanableDirtyRatio compact once the dirty (not yet compacted) part is at least this fraction of the
 *                           cleanable log ({@code min.cleanable.dirty.ratio})
 * @param minCompactionLagMs a segment becomes cleanable once its newest timestamp is at least this old
 *                           ({@code min.compaction.lag.ms})
 * @param deleteRetentionMs  a tombstone stays readable this long after its first compaction
 *                           ({@code delete.retention.ms})
 * @param preallocate        keep the active segment's file zero-filled ahead of the appends ({@code preallocate});
 *                           Chronik's default true makes each force cheaper (see {@link LogSegment})
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        long retentionMs,
        long retentionBytes,
        long flushMessages,
        long flushMs,
        int indexIntervalBytes,
        int segmentIndexBytes,
        boolean compact,
        boolean deleteRetention,
        double minCleanableDirtyRatio,
        long minCompactionLagMs,
        long deleteRetentionMs,
        boolean preallocate) {

    public static final LogConfig DEFAULT = new LogConfig(
            1 << 30, 7L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, -1, 1, Long.MAX_VALUE, 4096, 10 * 1024 * 1024,
            false, true, 0.5, 0, 24L * 3600 * 1000, false);

    /** True when every append must be forced before it is reported durable (the default). */
    public boolean syncEveryAppend() {
        return flushMessages <= 1;
    }
}
