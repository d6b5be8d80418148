package io.chronik.metadata.raft.transport;

import org.apache.ratis.server.impl.LeaderElectionTests;
import org.junit.jupiter.api.Tag;

/** Ratis's leader election scenarios (elections, transfer, pause, pre-vote, lease) over our transport. */
@Tag("ratis-conformance")
class ChronikRpcLeaderElectionTest extends LeaderElectionTests<MiniRaftClusterWithChronikRpc>
        implements MiniRaftClusterWithChronikRpc.FactoryGet {
}
