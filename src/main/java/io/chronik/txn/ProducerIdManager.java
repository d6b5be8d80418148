package io.chronik.txn;

import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands out producer ids for idempotent producers. Ids are reserved in blocks of {@value #BLOCK_SIZE} through the
 * metadata ({@link MetadataCommand.AllocateProducerIds}), so they stay unique across restarts and across nodes; ids
 * of a block not used before a restart are skipped, never reused.
 *
 * <p>Thread-safe; a caller that exhausts a block waits for the metadata commit of the next one.
 */
public final class ProducerIdManager {

    public static final int BLOCK_SIZE = 1000;

    private final MetadataStore metadata;
    private final int brokerId;
    private final ReentrantLock lock = new ReentrantLock();
    private long next; // guarded by lock
    private long end; // guarded by lock; exclusive

    public ProducerIdManager(MetadataStore metadata, int brokerId) {
        this.metadata = metadata;
        this.brokerId = brokerId;
    }

    /** A producer id never handed out before. */
    public long nextProducerId() {
        lock.lock();
        try {
            if (next >= end) {
                MetadataImage after = metadata.submit(new MetadataCommand.AllocateProducerIds(brokerId, BLOCK_SIZE));
                end = after.nextProducerId();
                next = end - BLOCK_SIZE;
            }
            return next++;
        } finally {
            lock.unlock();
        }
    }
}
