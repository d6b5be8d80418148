package io.chronik.server;

import io.chronik.config.ServerConfig;
import java.io.IOException;

/**
 * A running Chronik node: wires storage, metadata, broker and the Kafka listener, and stops them in reverse order.
 * CONTRACT SKELETON — the wiring is being written; the CLI and tests use this API.
 */
public final class ChronikServer implements AutoCloseable {

    /**
     * Starts a node and returns once its Kafka listener accepts connections.
     *
     * @throws java.net.BindException when a port is taken (message names the address)
     * @throws IOException when the data dir cannot be used (message names the path)
     */
    public static ChronikServer start(ServerConfig config) throws IOException {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The port the Kafka listener is bound to (useful with port 0). */
    public int kafkaPort() {
        throw new UnsupportedOperationException();
    }

    /** Blocks until {@link #close} has been called (by a shutdown hook, say). */
    public void awaitShutdown() throws InterruptedException {
        throw new UnsupportedOperationException();
    }

    /** Stops accepting, closes connections, flushes and closes every log. Idempotent. */
    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }
}
