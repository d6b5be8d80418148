package io.chronik.admin;

import io.chronik.metadata.MetadataImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The admin API key of a cluster node without {@code CHRONIK_ADMIN_API_KEY}: the one key the Raft leader committed
 * for the whole cluster ({@link MetadataImage#adminApiKey}). Subscribed to the node's metadata, it adopts that key as
 * soon as the node's image holds it (at start from the node's own Raft log, or when the committed entry arrives),
 * keeps a copy in {@code <dataDir>/}{@value AdminApiKey#FILE_NAME} ({@link AdminApiKey#adoptClusterKey}) and logs
 * {@code Admin API key: <key>} once per start.
 *
 * <p>Until then {@link #get} returns null and the admin API answers keyed requests with 503. The cluster key never
 * changes once committed, so after the first adoption the listener only compares. Thread-safe: the listener runs on
 * the metadata thread, {@link #get} on request threads.
 */
public final class ClusterAdminApiKey implements Consumer<MetadataImage>, Supplier<AdminApiKey> {

    private final Path dataDir;
    private final Logger log;
    private volatile AdminApiKey current;

    /**
     * @param dataDir where the key file is kept
     * @param log     the logger of the start-up lines (the server's)
     */
    public ClusterAdminApiKey(Path dataDir, Logger log) {
        this.dataDir = dataDir;
        this.log = log;
    }

    /** The cluster's key, or null while this node has not seen it committed. */
    @Override
    public AdminApiKey get() {
        return current;
    }

    @Override
    public synchronized void accept(MetadataImage image) {
        String key = image.adminApiKey();
        if (key.isEmpty() || (current != null && current.matches(key))) {
            return;
        }
        AdminApiKey adopted;
        try {
            adopted = AdminApiKey.adoptClusterKey(key, dataDir, log);
        } catch (IOException e) {
            log.error("Cannot keep the cluster's admin key in {}: {}; the admin API uses it anyway",
                    dataDir.resolve(AdminApiKey.FILE_NAME), e.getMessage());
            adopted = AdminApiKey.clusterKeyOnlyInMemory(key);
        }
        current = adopted;
        adopted.logAtStart(log);
        notifyAll();
    }

    /**
     * Blocks until this node knows the cluster's key, at most {@code timeout}; whether it does. A node that has just
     * registered waits here for the first leader's key, so its "started" line comes after its key line.
     */
    public synchronized boolean awaitKnown(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (current == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
