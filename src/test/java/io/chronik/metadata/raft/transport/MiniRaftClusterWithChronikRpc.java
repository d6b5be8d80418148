package io.chronik.metadata.raft.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ratis.RaftTestUtil;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.impl.MiniRaftCluster;
import org.apache.ratis.server.impl.BlockRequestHandlingInjection;
import org.apache.ratis.server.impl.DelayLocalExecutionInjection;

/**
 * Ratis's in-process test cluster over Chronik's transport, so Ratis's published conformance suites
 * ({@code RaftBasicTests}, {@code LeaderElectionTests}, ...) run against it exactly as they run against gRPC and
 * Netty. Every server binds 127.0.0.1 on the port Ratis picked for its peer address.
 */
public class MiniRaftClusterWithChronikRpc extends MiniRaftCluster.RpcBase {

    public static final Factory<MiniRaftClusterWithChronikRpc> FACTORY = new Factory<>() {
        @Override
        public MiniRaftClusterWithChronikRpc newCluster(String[] ids, String[] listenerIds, RaftProperties prop) {
            ChronikRpcType.use(prop);
            return new MiniRaftClusterWithChronikRpc(ids, listenerIds, prop);
        }
    };

    /**
     * Properties of each suite class. Ratis's {@code Factory.Get.getProperties()} returns one static instance shared
     * by every suite in the JVM (Ratis's build forks a JVM per test class); suites set properties such as their
     * state-machine class on it, so a suite that ran earlier in the same JVM (InstallSnapshotFromLeaderTests's
     * separate-snapshot-path state machine) broke the ones after it. Keyed by class, so a suite's tests still share
     * theirs, as in Ratis.
     */
    private static final Map<Class<?>, RaftProperties> SUITE_PROPERTIES = new ConcurrentHashMap<>();

    /** Mixed into a suite's subclass to run it on this cluster. */
    public interface FactoryGet extends Factory.Get<MiniRaftClusterWithChronikRpc> {
        @Override
        default Factory<MiniRaftClusterWithChronikRpc> getFactory() {
            return FACTORY;
        }

        @Override
        default RaftProperties getProperties() {
            return SUITE_PROPERTIES.computeIfAbsent(getClass(), c -> new RaftProperties());
        }
    }

    private MiniRaftClusterWithChronikRpc(String[] ids, String[] listenerIds, RaftProperties properties) {
        super(ids, listenerIds, properties, null);
    }

    @Override
    protected Parameters setPropertiesAndInitParameters(RaftPeerId id, RaftGroup group, RaftProperties properties) {
        TransportSettings.setBindAddress(properties, "127.0.0.1", getPort(id, group));
        return null;
    }

    /** Delays the outbound server calls of every server but the leader, as the Netty and gRPC clusters do. */
    private static final DelayLocalExecutionInjection SEND_SERVER_REQUEST =
            new DelayLocalExecutionInjection(ChronikServerRpc.SEND_SERVER_REQUEST);

    @Override
    protected void blockQueueAndSetDelay(String leaderId, int delayMs) throws InterruptedException {
        RaftTestUtil.blockQueueAndSetDelay(getServers(), SEND_SERVER_REQUEST, leaderId, delayMs, getTimeoutMax());
    }

    @Override
    public void setBlockRequestsFrom(String src, boolean block) {
        if (block) {
            BlockRequestHandlingInjection.getInstance().blockRequestor(src);
        } else {
            BlockRequestHandlingInjection.getInstance().unblockRequestor(src);
        }
    }
}
