package io.chronik.metadata.raft.transport;

import org.apache.ratis.RaftBasicTests;
import org.junit.jupiter.api.Tag;

/** Ratis's basic replication scenarios (append, kill leader, old leader commit, load) over our transport. */
@Tag("ratis-conformance")
class ChronikRpcRaftBasicTest extends RaftBasicTests<MiniRaftClusterWithChronikRpc>
        implements MiniRaftClusterWithChronikRpc.FactoryGet {
}
