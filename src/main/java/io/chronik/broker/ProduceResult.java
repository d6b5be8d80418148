package io.chronik.broker;

import io.chronik.common.ErrorCode;

/** What became of one partition's batch of a produce request. */
public sealed interface ProduceResult {

    /**
     * The batch is in the log (or was already: {@code duplicate}, an idempotent retry answered with the original
     * offsets).
     *
     * @param logAppendTime the broker time stamped into the batch for LogAppendTime topics, else -1
     */
    record Appended(long baseOffset, long lastOffset, long logAppendTime, long logStartOffset, boolean duplicate)
            implements ProduceResult {}

    /** The batch was rejected; nothing was stored. */
    record Rejected(ErrorCode error, String message) implements ProduceResult {}
}
