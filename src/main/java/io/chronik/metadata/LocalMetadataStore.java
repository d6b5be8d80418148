package io.chronik.metadata;

import io.chronik.common.ChronikException;
import io.chronik.common.DurableFiles;
import io.chronik.common.ErrorCode;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone node's {@link MetadataStore}: commands are validated against the current image, appended to a local
 * journal and forced to disk, then applied and published.
 *
 * <p>On-disk layout under the metadata directory:
 * <ul>
 *   <li>{@code meta.properties}: {@code cluster.id} and {@code node.id}, written once when the directory is
 *       formatted (temp file, force, atomic rename, directory force); a different node id later fails the open;</li>
 *   <li>{@code journal.jsonl}: the committed commands ({@link MetadataJournal}), replayed at open.</li>
 * </ul>
 *
 * <p>Thread-safe: submissions are serialised by a lock; listeners are called under it, in commit order, and must
 * return quickly. {@link #current()} never blocks.
 */
public final class LocalMetadataStore implements MetadataStore {

    private static final Logger LOG = LoggerFactory.getLogger(LocalMetadataStore.class);
    private static final String META_PROPERTIES = "meta.properties";
    private static final String JOURNAL = "journal.jsonl";

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Consumer<MetadataImage>> listeners = new CopyOnWriteArrayList<>();
    private final MetadataJournal journal;
    private volatile MetadataImage image;
    private boolean closed;

    private LocalMetadataStore(MetadataJournal journal, MetadataImage image) {
        this.journal = journal;
        this.image = image;
    }

    /**
     * Opens the store in {@code dir} (created and formatted with a new cluster id when empty) and replays its journal.
     *
     * @throws IOException naming the path when the directory cannot be used or its files are corrupt
     */
    public static LocalMetadataStore open(Path dir, int nodeId) throws IOException {
        Files.createDirectories(dir);
        String clusterId = readOrFormat(dir, nodeId);
        List<MetadataCommand> commands = new ArrayList<>();
        MetadataJournal journal = MetadataJournal.open(dir.resolve(JOURNAL), commands);
        MetadataImage image = MetadataStateMachine.initial(clusterId, nodeId);
        int line = 0;
        try {
            for (MetadataCommand command : commands) {
                line++;
                image = MetadataStateMachine.apply(image, command);
            }
        } catch (ChronikException e) {
            journal.close();
            throw new IOException("Metadata journal " + dir.resolve(JOURNAL) + " does not replay at line " + line
                    + ": " + e.getMessage(), e);
        }
        LOG.info("Metadata store {} opened: cluster id {}, {} topic(s), {} command(s) replayed", dir, clusterId,
                image.topics().size(), commands.size());
        return new LocalMetadataStore(journal, image);
    }

    private static String readOrFormat(Path dir, int nodeId) throws IOException {
        Path file = dir.resolve(META_PROPERTIES);
        Properties props = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(in);
            }
            String clusterId = props.getProperty("cluster.id");
            String storedNode = props.getProperty("node.id");
            if (clusterId == null || clusterId.isBlank() || storedNode == null) {
                throw new IOException(file + " lacks cluster.id or node.id");
            }
            if (!storedNode.equals(Integer.toString(nodeId))) {
                throw new IOException("Metadata directory " + dir + " belongs to node " + storedNode
                        + ", not to node " + nodeId);
            }
            return clusterId;
        }
        String clusterId = newClusterId();
        props.setProperty("cluster.id", clusterId);
        props.setProperty("node.id", Integer.toString(nodeId));
        DurableFiles.replace(file, tmp -> {
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                props.store(out, "Chronik node identity; do not edit");
            }
        });
        LOG.info("Formatted metadata directory {} with cluster id {}", dir, clusterId);
        return clusterId;
    }

    /** A Kafka-style cluster id: 16 random bytes in URL-safe base64 without padding (22 characters). */
    static String newClusterId() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return id.startsWith("-") ? newClusterId() : id;
    }

    @Override
    public MetadataImage current() {
        return image;
    }

    @Override
    public MetadataImage submit(MetadataCommand command) {
        lock.lock();
        try {
            if (closed) {
                throw new ChronikException(ErrorCode.UNKNOWN_SERVER_ERROR, "The metadata store is closed");
            }
            MetadataImage next = MetadataStateMachine.apply(image, command);
            if (next.equals(image)) {
                return image;
            }
            try {
                journal.append(command);
            } catch (IOException e) {
                LOG.error("Metadata command not committed: {}", e.getMessage());
                throw new ChronikException(ErrorCode.KAFKA_STORAGE_ERROR, e.getMessage());
            }
            image = next;
            for (Consumer<MetadataImage> listener : listeners) {
                notify(listener, next);
            }
            return next;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void subscribe(Consumer<MetadataImage> listener) {
        lock.lock();
        try {
            listeners.add(listener);
            notify(listener, image);
        } finally {
            lock.unlock();
        }
    }

    private static void notify(Consumer<MetadataImage> listener, MetadataImage image) {
        try {
            listener.accept(image);
        } catch (RuntimeException e) {
            LOG.error("Metadata listener {} failed", listener, e);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            journal.close();
        } catch (IOException e) {
            LOG.warn("Closing the metadata journal failed: {}", e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
