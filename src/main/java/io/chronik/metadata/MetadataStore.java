package io.chronik.metadata;

import java.util.function.Consumer;

/**
 * Where the node's metadata lives: standalone, a local durable journal; in a cluster, the Ratis state machine.
 * {@link #submit} returns once the command is durably committed and applied (in a cluster: committed by a Raft
 * majority and applied on this node).
 */
public interface MetadataStore extends AutoCloseable {

    /** The latest applied image. Cheap; never blocks. */
    MetadataImage current();

    /**
     * Commits {@code command} durably and applies it; returns the image after it.
     *
     * @throws io.chronik.common.ChronikException with the precise error when the command is invalid for the current
     *         state (e.g. TOPIC_ALREADY_EXISTS, UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS); in a cluster, with
     *         the retriable NOT_CONTROLLER when no Raft quorum committed it within the configured wait
     */
    MetadataImage submit(MetadataCommand command);

    /** Calls {@code listener} with the current image now and after every applied command, in order. */
    void subscribe(Consumer<MetadataImage> listener);

    /**
     * Registers this node's broker at start-up and returns once it is committed and applied. A cluster store retries
     * for as long as there is no Raft quorum (saying "waiting for quorum" in the log), so a node joins the cluster's
     * metadata before it serves Kafka clients.
     *
     * @throws io.chronik.common.ChronikException when the registration is invalid or the store is closed
     */
    default void registerBroker(MetadataCommand.RegisterBroker registration) {
        submit(registration);
    }

    @Override
    void close();
}
