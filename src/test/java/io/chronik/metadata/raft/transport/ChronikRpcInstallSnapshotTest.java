package io.chronik.metadata.raft.transport;

import org.apache.ratis.InstallSnapshotFromLeaderTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * Ratis's snapshot-install-from-leader scenarios (chunked multi-file transfer to new followers, a separate install
 * path, a leader switch during install) over our transport. The base class leaves the test annotations to each
 * transport's subclass.
 */
@Tag("ratis-conformance")
class ChronikRpcInstallSnapshotTest extends InstallSnapshotFromLeaderTests<MiniRaftClusterWithChronikRpc>
        implements MiniRaftClusterWithChronikRpc.FactoryGet {

    @Test
    @Override
    public void testMultiFileInstallSnapshot() throws Exception {
        super.testMultiFileInstallSnapshot();
    }

    @Test
    @Override
    public void testSeparateSnapshotInstallPath() throws Exception {
        super.testSeparateSnapshotInstallPath();
    }

    @Test
    @Override
    public void testInstallSnapshotLeaderSwitch() throws Exception {
        super.testInstallSnapshotLeaderSwitch();
    }
}
