package io.chronik.metadata.raft;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.config.ClusterConfig;
import io.chronik.config.RaftSettings;
import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.MetadataCommand.InitializeAdminApiKey;
import io.chronik.metadata.MetadataCommand.InitializeCluster;
import io.chronik.metadata.MetadataCommand.RegisterBroker;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStore;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster node's {@link MetadataStore}: the metadata is the state of a Raft group of all nodes (Apache Ratis over
 * Chronik's own transport), so every node holds the same durable image.
 *
 * <ul>
 *   <li>{@link #submit} sends the command through a Raft client (any node accepts: Ratis finds the leader, follows
 *       redirects and retries, deduplicating retries by call id), and returns once it is committed by a majority and
 *       applied on <em>this</em> node, and returns the image that entry produced (so a producer-id block is exactly
 *       the one it reserved, even when other nodes allocate concurrently). With no leader or no quorum it gives up
 *       after {@code quorum_wait_ms} with the retriable NOT_CONTROLLER (Kafka admin clients refresh metadata and
 *       retry it) and logs "waiting for quorum" (at most once per 10 s).</li>
 *   <li>{@link #current} is the locally applied image with {@code controllerId} set to the current Raft leader
 *       (-1 when none): a follower's image may briefly lag the leader's, like a KRaft broker's.</li>
 *   <li>The Raft leader is the controller: it commits the cluster id and the cluster-wide admin API key once
 *       (each while the image has none, so a cluster formed by an older version gets its key on the first leader
 *       after the upgrade) and fences/unfences brokers by the heartbeats Raft already exchanges
 *       ({@link BrokerLiveness}). Partition leader election on failure and ISR
 *       changes belong to replication and will be added as further commands.</li>
 * </ul>
 * Thread-safe. Listeners are called in order, one at a time, and must return quickly.
 */
public final class RaftMetadataStore implements MetadataStore {

    private static final Logger LOG = LoggerFactory.getLogger(RaftMetadataStore.class);
    private static final long QUORUM_LOG_INTERVAL_MS = 10_000;
    private static final long CONTROLLER_PERIOD_MS = 500;

    private final int nodeId;
    private final int peerCount;
    private final RaftSettings settings;
    private final MetadataRaftStateMachine stateMachine;
    private final List<Consumer<MetadataImage>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock publishLock = new ReentrantLock();
    private final AtomicLong lastQuorumWarning = new AtomicLong(System.nanoTime() - TimeUnit.DAYS.toNanos(1));
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Events events = new Events();
    private volatile MetadataImage published;
    private volatile int leader = -1;
    private volatile boolean controllerActive;
    private RaftServer server;
    private RaftClient client;
    private Thread monitor;

    private RaftMetadataStore(ClusterConfig cluster) {
        this.nodeId = cluster.nodeId();
        this.peerCount = cluster.peers().size();
        this.settings = cluster.raft();
        this.stateMachine = new MetadataRaftStateMachine(events);
        this.published = stateMachine.image();
    }

    /**
     * Starts this node's Raft server on {@code <dataDir>/raft} (formatting it on first start, recovering it after)
     * and returns without waiting for a leader.
     *
     * @throws java.net.BindException when the Raft port is taken
     * @throws IOException when the Raft storage cannot be used
     */
    public static RaftMetadataStore open(ClusterConfig cluster, Path dataDir) throws IOException {
        RaftMetadataStore store = new RaftMetadataStore(cluster);
        try {
            store.start(dataDir.resolve("raft"), cluster);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private void start(Path raftDir, ClusterConfig cluster) throws IOException {
        RaftProperties properties = RaftLayout.properties(settings, raftDir);
        var option = RaftLayout.startupOption(raftDir);
        server = RaftServer.newBuilder()
                .setServerId(RaftLayout.peerId(nodeId))
                .setGroup(RaftLayout.group(cluster))
                .setStateMachine(stateMachine)
                .setProperties(properties)
                .setOption(option)
                .build();
        server.start();
        client = RaftClient.newBuilder()
                .setClientId(ClientId.randomId())
                .setRaftGroup(RaftLayout.group(cluster))
                .setLeaderId(RaftLayout.peerId(nodeId))
                .setProperties(properties)
                .setRetryPolicy(RequestTypeDependentRetryPolicy.newBuilder()
                        .setRetryPolicy(RaftClientRequestProto.TypeCase.WRITE,
                                RetryPolicies.retryForeverWithSleep(TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                        .setTimeout(RaftClientRequestProto.TypeCase.WRITE,
                                TimeDuration.valueOf(settings.quorumWaitMs(), TimeUnit.MILLISECONDS))
                        .build())
                .build();
        monitor = Thread.ofVirtual().name("raft-metadata-monitor").start(this::monitorLoop);
        LOG.info("Raft metadata server {} started ({} storage {}), peers {}", nodeId,
                option == org.apache.ratis.server.storage.RaftStorage.StartupOption.FORMAT ? "formatted" : "recovered",
                raftDir, cluster.peers().stream().map(p -> p.id() + "=" + p.raft()).toList());
    }

    @Override
    public MetadataImage current() {
        return published;
    }

    @Override
    public MetadataImage submit(MetadataCommand command) {
        if (closed.get()) {
            throw new ChronikException(ErrorCode.UNKNOWN_SERVER_ERROR, "The metadata store is closed");
        }
        long start = System.nanoTime();
        RaftClientReply reply;
        try {
            reply = client.io().send(Message.valueOf(ByteString.copyFrom(CommandCodec.encode(command))));
        } catch (IOException e) {
            throw noQuorum(command, e.toString());
        }
        if (!reply.isSuccess()) {
            throw noQuorum(command, String.valueOf(reply.getException()));
        }
        CommandCodec.throwIfFailure(reply.getMessage().getContent().toByteArray());
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        try {
            if (!stateMachine.awaitApplied(reply.getLogIndex(), Math.max(1000, settings.quorumWaitMs() - waitedMs))) {
                throw new ChronikException(ErrorCode.REQUEST_TIMED_OUT, "Metadata change committed at index "
                        + reply.getLogIndex() + " but not yet applied on node " + nodeId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChronikException(ErrorCode.REQUEST_TIMED_OUT, "Interrupted waiting for metadata to apply");
        }
        MetadataImage made = stateMachine.imageAt(reply.getLogIndex());
        return made != null ? made.withControllerId(leader) : published;
    }

    private ChronikException noQuorum(MetadataCommand command, String cause) {
        long now = System.nanoTime();
        long last = lastQuorumWarning.get();
        if (now - last > TimeUnit.MILLISECONDS.toNanos(QUORUM_LOG_INTERVAL_MS)
                && lastQuorumWarning.compareAndSet(last, now)) {
            LOG.warn("Metadata change {} is waiting for quorum: no Raft leader with a majority answered within {} ms "
                    + "({})", command.getClass().getSimpleName(), settings.quorumWaitMs(), cause);
        }
        return new ChronikException(ErrorCode.NOT_CONTROLLER, "No Raft quorum: the cluster metadata cannot change "
                + "until a majority of nodes is up (waiting for quorum)");
    }

    @Override
    public void subscribe(Consumer<MetadataImage> listener) {
        publishLock.lock();
        try {
            listeners.add(listener);
            notify(listener, published);
        } finally {
            publishLock.unlock();
        }
    }

    /** Commits this node's registration, retrying until a quorum accepts it (or the store closes). */
    @Override
    public void registerBroker(RegisterBroker registration) {
        while (true) {
            try {
                submit(registration);
                LOG.info("Broker {} registered at {}:{}", registration.brokerId(), registration.host(),
                        registration.port());
                return;
            } catch (ChronikException e) {
                if (e.error() != ErrorCode.NOT_CONTROLLER && e.error() != ErrorCode.REQUEST_TIMED_OUT) {
                    throw e;
                }
            }
            sleep(200);
            if (Thread.currentThread().isInterrupted()) {
                throw new ChronikException(ErrorCode.UNKNOWN_SERVER_ERROR, "Interrupted waiting for quorum");
            }
        }
    }

    /** Publishes the applied image with the current leader as controller; listeners see images in order. */
    private void publish() {
        publishLock.lock();
        try {
            MetadataImage next = stateMachine.image().withControllerId(leader);
            if (next.equals(published)) {
                return;
            }
            published = next;
            for (Consumer<MetadataImage> listener : listeners) {
                notify(listener, next);
            }
        } finally {
            publishLock.unlock();
        }
    }

    private static void notify(Consumer<MetadataImage> listener, MetadataImage image) {
        try {
            listener.accept(image);
        } catch (RuntimeException e) {
            LOG.error("Metadata listener {} failed", listener, e);
        }
    }

    /**
     * Keeps the published controller id in line with Ratis's view (its callbacks do not report every loss of a
     * leader), says "waiting for quorum" while there is no leader, and runs the controller duties while this node
     * is the ready leader.
     */
    private void monitorLoop() {
        long leaderlessSince = System.nanoTime();
        int lastLoggedLeader = -1;
        while (!closed.get()) {
            try {
                DivisionInfo info = server.getDivision(RaftLayout.GROUP_ID).getInfo();
                RaftPeerId leaderId = info.getLeaderId();
                int seen = leaderId == null ? -1 : RaftLayout.nodeId(leaderId);
                boolean leading = info.isLeader() && info.isLeaderReady();
                if (seen == nodeId && !info.isLeader()) {
                    seen = -1;
                }
                if (seen != leader) {
                    leader = seen;
                    publish();
                }
                if (seen != lastLoggedLeader) {
                    lastLoggedLeader = seen;
                    if (seen < 0) {
                        LOG.info("Raft leader lost (term {})", info.getCurrentTerm());
                    } else {
                        LOG.info("Raft leader is node {} (term {})", seen, info.getCurrentTerm());
                    }
                }
                if (seen >= 0) {
                    leaderlessSince = System.nanoTime();
                } else if (System.nanoTime() - leaderlessSince > TimeUnit.MILLISECONDS.toNanos(
                        Math.max(5000, 4L * settings.electionTimeoutMs()))) {
                    warnWaitingForQuorum();
                }
                if (leading && controllerActive) {
                    runControllerDuties(info);
                }
            } catch (IOException | RuntimeException e) {
                if (!closed.get()) {
                    LOG.debug("Raft monitor: {}", e.toString());
                }
            }
            sleep(CONTROLLER_PERIOD_MS);
        }
    }

    private void warnWaitingForQuorum() {
        long now = System.nanoTime();
        long last = lastQuorumWarning.get();
        if (now - last > TimeUnit.MILLISECONDS.toNanos(QUORUM_LOG_INTERVAL_MS)
                && lastQuorumWarning.compareAndSet(last, now)) {
            LOG.warn("Node {} is waiting for quorum: no Raft leader elected; a majority of the {} nodes must be up and "
                    + "reachable on their raft ports", nodeId, peerCount);
        }
    }

    private void runControllerDuties(DivisionInfo info) {
        MetadataImage image = stateMachine.image();
        if (image.clusterId().isEmpty()) {
            submitQuietly(new InitializeCluster(newClusterId()));
        }
        if (image.adminApiKey().isEmpty()) {
            submitQuietly(new InitializeAdminApiKey(newAdminApiKey()));
        }
        Map<Integer, Long> silence = BrokerLiveness.silenceByNode(info.getRoleInfoProto());
        for (MetadataCommand change : BrokerLiveness.changes(image, nodeId, silence,
                settings.brokerSessionTimeoutMs())) {
            LOG.info("Controller: {}", change);
            submitQuietly(change);
        }
    }

    private void submitQuietly(MetadataCommand command) {
        try {
            submit(command);
        } catch (ChronikException e) {
            LOG.debug("Controller command {} failed: {}", command, e.getMessage());
        }
    }

    /** A Kafka-style cluster id: 16 random bytes in URL-safe base64 without padding, never starting with '-'. */
    static String newClusterId() {
        byte[] bytes = new byte[16];
        String id;
        do {
            new SecureRandom().nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-"));
        return id;
    }

    /**
     * The cluster's admin API key: 32 bytes from {@link SecureRandom} in URL-safe base64 without padding (43
     * characters), like a standalone node's generated key.
     */
    static String newAdminApiKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (monitor != null) {
            monitor.interrupt();
        }
        try {
            if (client != null) {
                client.close();
            }
        } catch (IOException e) {
            LOG.warn("Closing the Raft client failed: {}", e.getMessage());
        }
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            LOG.warn("Closing the Raft server failed: {}", e.getMessage());
        }
    }

    /** Ratis's callbacks into the store. */
    private final class Events implements MetadataRaftStateMachine.Events {
        @Override
        public void applied(MetadataImage image) {
            publish();
        }

        @Override
        public void leaderChanged(int nodeId) {
            leader = nodeId;
            publish();
        }

        @Override
        public void leaderReady() {
            controllerActive = true;
            LOG.info("Node {} is the Raft leader and controller", nodeId);
        }

        @Override
        public void notLeader() {
            controllerActive = false;
        }
    }
}
