package io.chronik.log;

/**
 * The shared group-commit flusher: a small number of dedicated platform threads that {@code force()} dirty
 * partition logs, so many waiting producers share one flush. CONTRACT SKELETON — implemented by the log work.
 */
public final class LogFlusher implements AutoCloseable {

    public LogFlusher(int threads) {
    }

    @Override
    public void close() {
    }
}
