package io.chronik.metadata.raft.transport;

import org.apache.ratis.server.impl.RaftReconfigurationBaseTest;
import org.junit.jupiter.api.Tag;

/** Ratis's membership-change scenarios (add, remove, replace peers; staging; timeouts) over our transport. */
@Tag("ratis-conformance")
class ChronikRpcReconfigurationTest extends RaftReconfigurationBaseTest<MiniRaftClusterWithChronikRpc>
        implements MiniRaftClusterWithChronikRpc.FactoryGet {
}
