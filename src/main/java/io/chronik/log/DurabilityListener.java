package io.chronik.log;

import java.io.IOException;

/**
 * Told by a {@link PartitionLog} when its durable end offset moves or its force fails, on the thread that forced the
 * log (a {@link LogFlusher} thread), right after the force. Implementations must be quick and must not block: every
 * other log waiting for that flusher thread waits for them too. They may complete futures whose callbacks only take
 * short, uncontended locks.
 */
public interface DurabilityListener {

    /** Every offset below {@code durableEndOffset} is forced to disk. */
    void durableAdvanced(long durableEndOffset);

    /**
     * A force of the log failed: nothing appended after its last durable offset will become durable, and every later
     * append and wait fails (the failure is sticky).
     */
    void flushFailed(IOException cause);
}
