package io.chronik.log;

import java.util.Collection;

/**
 * Decides what {@code retention.ms}, {@code retention.bytes} and {@code segment.ms} require of a log; the log
 * carries it out. Only applies delete retention when {@code cleanup.policy} contains {@code delete}.
 *
 * <p>Thread-safety: stateless; callers pass a consistent view (the log's append lock).
 */
final class RetentionPolicy {

    private RetentionPolicy() {
    }

    /**
     * True when the non-empty active segment must be rolled: its first batch is older than {@code segment.ms}, or
     * all of it is past {@code retention.ms} (then rolling lets it be deleted, as Kafka does).
     */
    static boolean shouldRollActive(LogSegment active, LogConfig config, long nowMs) {
        return active.isOlderThan(nowMs, config.segmentMs())
                || byTime(config) && active.size() > 0
                && nowMs - active.maxTimestamp().timestamp() > config.retentionMs();
    }

    /**
     * The new log start offset after deleting the oldest sealed segments, in order, while the next one is past
     * {@code retention.ms} or the log stays at or above {@code retention.bytes} without it; {@code logStartOffset}
     * when nothing is to be deleted.
     *
     * @param segments all segments in offset order, the active one last
     */
    static long logStartAfterRetention(Collection<LogSegment> segments, LogConfig config, long nowMs,
            long logStartOffset) {
        boolean bySize = config.deleteRetention() && config.retentionBytes() >= 0;
        long excess = segments.stream().mapToLong(LogSegment::size).sum() - config.retentionBytes();
        long newStart = logStartOffset;
        LogSegment previous = null;
        for (LogSegment segment : segments) {
            if (previous != null) {
                newStart = Math.max(newStart, segment.baseOffset());
                previous = null;
            }
            boolean expired = byTime(config) && nowMs - segment.maxTimestamp().timestamp() > config.retentionMs();
            boolean oversize = bySize && excess - segment.size() >= 0;
            if (!expired && !oversize) {
                break;
            }
            excess -= segment.size();
            previous = segment;
        }
        return newStart;
    }

    private static boolean byTime(LogConfig config) {
        return config.deleteRetention() && config.retentionMs() >= 0;
    }
}
