package io.chronik.broker;

import io.chronik.log.LogConfig;
import io.chronik.metadata.TopicConfig;

/** Derives the settings of a partition log from its topic's effective configuration. */
final class LogConfigs {

    private LogConfigs() {
    }

    static LogConfig of(TopicConfig topic) {
        return new LogConfig(
                topic.segmentBytes(),
                topic.segmentMs(),
                topic.retentionMs(),
                topic.retentionBytes(),
                topic.flushMessages(),
                topic.flushMs(),
                topic.indexIntervalBytes(),
                topic.segmentIndexBytes(),
                topic.compact(),
                topic.delete(),
                topic.minCleanableDirtyRatio(),
                topic.minCompactionLagMs(),
                topic.deleteRetentionMs(),
                topic.preallocate());
    }
}
