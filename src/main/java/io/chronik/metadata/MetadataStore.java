package io.chronik.metadata;

import java.util.function.Consumer;

/**
 * Where the node's metadata lives: standalone, a local durable journal; in a cluster, the Ratis state machine.
 * {@link #submit} returns once the command is durably committed and applied.
 */
public interface MetadataStore extends AutoCloseable {

    /** The latest applied image. Cheap; never blocks. */
    MetadataImage current();

    /**
     * Commits {@code command} durably and applies it; returns the image after it.
     *
     * @throws io.chronik.common.ChronikException with the precise error when the command is invalid for the current
     *         state (e.g. TOPIC_ALREADY_EXISTS, UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS)
     */
    MetadataImage submit(MetadataCommand command);

    /** Calls {@code listener} with the current image now and after every applied command, in order. */
    void subscribe(Consumer<MetadataImage> listener);

    @Override
    void close();
}
