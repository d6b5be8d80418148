package io.chronik.server;

import io.chronik.admin.AdminApiKey;
import io.chronik.admin.AdminServer;
import io.chronik.admin.ClusterAdminApiKey;
import io.chronik.admin.ClusterMembers;
import io.chronik.broker.ReplicaManager;
import io.chronik.config.HostPort;
import io.chronik.config.ServerConfig;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.ApiRegistry;
import io.chronik.kafka.KafkaListener;
import io.chronik.kafka.compaction.KafkaRecordCompactor;
import io.chronik.kafka.data.DataApis;
import io.chronik.kafka.group.GroupApis;
import io.chronik.kafka.topics.TopicApis;
import io.chronik.metadata.LocalMetadataStore;
import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.raft.RaftMetadataStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Chronik node: wires storage, metadata, broker and the Kafka listener, and stops them in reverse order.
 *
 * <p>Start-up order: lock the data dir ({@code <dataDir>/.lock}, so two nodes never share it), open the metadata
 * store, bind the Kafka listener, start the admin API (docs/admin-api.md), register this broker with its advertised
 * Kafka address (port 0 there means the bound port; the registered address is what clients are given, so the rest
 * of the node reads it from the metadata image) and its admin address, open the partition logs, then accept Kafka
 * connections. {@link #close} undoes it in reverse.
 */
public final class ChronikServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChronikServer.class);

    /** Longest a stopping cluster node spends handing over its partitions before it closes anyway. */
    private static final java.time.Duration CONTROLLED_SHUTDOWN_BUDGET = java.time.Duration.ofSeconds(5);

    private final List<AutoCloseable> resources;
    private final KafkaListener listener;
    private final AdminServer admin;
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private ChronikServer(List<AutoCloseable> resources, KafkaListener listener, AdminServer admin) {
        this.resources = resources;
        this.listener = listener;
        this.admin = admin;
    }

    /**
     * Starts a node and returns once its Kafka listener accepts connections.
     *
     * @throws java.net.BindException when a port is taken (message names the address)
     * @throws IOException when the data dir cannot be used (message names the path)
     */
    public static ChronikServer start(ServerConfig config) throws IOException {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            opened.add(lockDataDir(config.dataDir()));
            MetadataStore metadata = openMetadata(config);
            opened.add(metadata);
            Supplier<AdminApiKey> adminKey = adminKey(config, metadata);
            KafkaListener listener = KafkaListener.bind(config.kafkaBind(), config.kafka().maxRequestBytes());
            opened.add(listener);
            HostPort advertised = config.kafkaAdvertised().port() == 0
                    ? new HostPort(config.kafkaAdvertised().host(), listener.port()) : config.kafkaAdvertised();
            AdminServer admin = startAdmin(config, advertised, adminKey, metadata);
            opened.add(admin);
            metadata.registerBroker(new MetadataCommand.RegisterBroker(config.nodeId(), advertised.host(),
                    advertised.port(), null, adminAdvertised(config, advertised, admin)));
            awaitClusterKey(config, adminKey);
            ReplicaManager replicas = new ReplicaManager(config, metadata, new KafkaRecordCompactor());
            opened.add(replicas);
            // Closed in reverse order: before the partitions close (the Kafka listener still answers), a cluster node
            // hands its partition leadership over and leaves the ISRs (Kafka's controlled shutdown).
            opened.add(() -> replicas.controlledShutdown(CONTROLLED_SHUTDOWN_BUDGET));
            replicas.start();
            GroupApis groups = GroupApis.start(replicas, metadata, config);
            opened.add(groups);
            List<ApiHandler> handlers = new ArrayList<>(DataApis.handlers(replicas, metadata, config));
            handlers.addAll(TopicApis.handlers(metadata, config));
            handlers.addAll(groups.handlers());
            listener.start(new ApiRegistry(handlers));
            LOG.info("Kafka listener on {}, advertising {}", new HostPort(config.kafkaBind().host(), listener.port()),
                    advertised);
            return new ChronikServer(opened, listener, admin);
        } catch (IOException | RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /**
     * The admin API key: {@code CHRONIK_ADMIN_API_KEY} when set; a standalone node's own generated key; a cluster
     * node's the one the Raft leader committed for the cluster, adopted (and logged) as soon as this node's metadata
     * holds it, which may be before a quorum is up (docs/admin-api.md).
     */
    private static Supplier<AdminApiKey> adminKey(ServerConfig config, MetadataStore metadata) throws IOException {
        if (config.admin().apiKey().isPresent() || config.cluster().isEmpty()) {
            AdminApiKey key = AdminApiKey.resolve(config.admin().apiKey(), config.dataDir());
            key.logAtStart(LOG);
            return () -> key;
        }
        var clusterKey = new ClusterAdminApiKey(config.dataDir(), LOG);
        metadata.subscribe(clusterKey);
        return clusterKey;
    }

    /**
     * Waits (at most {@code quorum_wait_ms}) until a cluster node knows the cluster's admin key, which the leader
     * commits right after it is elected, so the key line comes before the "started" line scripts wait for.
     */
    private static void awaitClusterKey(ServerConfig config, Supplier<AdminApiKey> adminKey) {
        if (!(adminKey instanceof ClusterAdminApiKey clusterKey)) {
            return;
        }
        try {
            if (!clusterKey.awaitKnown(Duration.ofMillis(config.cluster().orElseThrow().raft().quorumWaitMs()))) {
                LOG.warn("The cluster's admin key is not committed yet; keyed admin requests answer 503 until it is");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The admin API, started before this node registers (so it answers health and status while waiting for quorum);
     * a standalone node is a one-node cluster whose members are itself. Forwarding finds the leader's admin API at
     * the address the leader registered, else at the conventional one.
     */
    private static AdminServer startAdmin(ServerConfig config, HostPort advertised, Supplier<AdminApiKey> key,
            MetadataStore metadata) throws IOException {
        ClusterMembers members = config.cluster().map(ClusterMembers::of)
                .orElseGet(() -> ClusterMembers.standalone(config.nodeId(), advertised));
        return AdminServer.start(config.admin().bind(), key, members, metadata::current,
                id -> members.adminAddress(id, metadata.current()));
    }

    /** Where other nodes reach this node's admin API: its bind host, or the advertised Kafka host for a wildcard. */
    private static HostPort adminAdvertised(ServerConfig config, HostPort advertised, AdminServer admin) {
        String host = config.admin().bind().host();
        boolean wildcard = host.equals("0.0.0.0") || host.equals("::");
        return new HostPort(wildcard ? advertised.host() : host, admin.port());
    }

    /**
     * Standalone: the local metadata journal in {@code <dataDir>/metadata}. Cluster: this node's Raft server in
     * {@code <dataDir>/raft}, listening on the Raft port of its own {@code [[peers]]} entry (docs/cluster.md).
     */
    private static MetadataStore openMetadata(ServerConfig config) throws IOException {
        if (config.cluster().isPresent()) {
            return RaftMetadataStore.open(config.cluster().get(), config.dataDir());
        }
        return LocalMetadataStore.open(config.dataDir().resolve("metadata"), config.nodeId());
    }

    private static AutoCloseable lockDataDir(Path dataDir) throws IOException {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new IOException("Cannot create data directory " + dataDir + ": " + e, e);
        }
        Path lockFile = dataDir.resolve(".lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw new IOException("Cannot lock data directory " + dataDir + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            channel.close();
            throw new IOException("Data directory " + dataDir.toAbsolutePath()
                    + " is in use by another Chronik server (" + lockFile + " is locked)");
        }
        return channel;
    }

    /** The port the Kafka listener is bound to (useful with port 0). */
    public int kafkaPort() {
        return listener.port();
    }

    /** The port the admin API is bound to (useful with port 0). */
    public int adminPort() {
        return admin.port();
    }

    /** Blocks until {@link #close} has been called (by a shutdown hook, say). */
    public void awaitShutdown() throws InterruptedException {
        closedLatch.await();
    }

    /** Stops accepting, closes connections, flushes and closes every log. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeAll(resources);
        LOG.info("Chronik server stopped");
        closedLatch.countDown();
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", resources.get(i).getClass().getSimpleName(), e.toString());
            }
        }
    }
}
