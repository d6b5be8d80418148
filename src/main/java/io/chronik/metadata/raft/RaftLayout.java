package io.chronik.metadata.raft;

import io.chronik.config.ClusterConfig;
import io.chronik.config.RaftSettings;
import io.chronik.metadata.raft.transport.ChronikRpcType;
import io.chronik.metadata.raft.transport.TransportSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.LoggerFactory;

/**
 * How a Chronik cluster maps onto Ratis: one Raft group of every {@code [[peers]]} entry (all voters), the group id,
 * peer ids, storage layout and server properties.
 *
 * <ul>
 *   <li>Group id: the name-based UUID of {@code "chronik-metadata"}, the same on every node and every cluster (a
 *       node only ever serves this one group), so nodes agree on it without exchanging anything and it survives
 *       membership changes.</li>
 *   <li>Peer id: the node id in decimal ("1", "2", ...); peer address: the peer's {@code raft} host:port.</li>
 *   <li>Storage: {@code <dataDir>/raft/<group uuid>/} ({@code current/} log and vote, {@code sm/} snapshots). It is
 *       formatted when that directory does not exist and recovered otherwise. {@code <dataDir>/raft} is kept
 *       {@code rwx------} (owner only): the log and snapshots hold the cluster's admin API key.</li>
 * </ul>
 */
final class RaftLayout {

    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(
            UUID.nameUUIDFromBytes("chronik-metadata".getBytes(StandardCharsets.UTF_8)));

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private RaftLayout() {
    }

    static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf(Integer.toString(nodeId));
    }

    static int nodeId(RaftPeerId peerId) {
        return Integer.parseInt(peerId.toString());
    }

    static RaftGroup group(ClusterConfig cluster) {
        List<RaftPeer> peers = cluster.peers().stream()
                .map(p -> RaftPeer.newBuilder().setId(peerId(p.id())).setAddress(p.raft().toString()).build())
                .toList();
        return RaftGroup.valueOf(GROUP_ID, peers);
    }

    /**
     * Creates {@code raftDir} with permissions {@code rwx------}, or makes an existing one owner-only (a directory
     * made by an older version), saying so.
     */
    static void createOwnerOnly(Path raftDir) throws IOException {
        if (!Files.isDirectory(raftDir)) {
            Files.createDirectories(raftDir.getParent());
            Files.createDirectory(raftDir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(raftDir);
        if (!permissions.equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(raftDir, OWNER_ONLY);
            LoggerFactory.getLogger(RaftLayout.class).warn("{} had permissions {}; changed them to rwx------ (owner "
                    + "only): the Raft log holds the cluster's admin key", raftDir,
                    PosixFilePermissions.toString(permissions));
        }
    }

    /** FORMAT for a node whose group directory does not exist yet, RECOVER after that. */
    static RaftStorage.StartupOption startupOption(Path raftDir) {
        return Files.isDirectory(raftDir.resolve(GROUP_ID.getUuid().toString()))
                ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT;
    }

    /**
     * Server (and client) properties. Metadata entries are small and rare, so segments, buffers and snapshot chunks
     * are sized down from Ratis's defaults; the log is purged up to each snapshot even when a follower is behind (it
     * then gets the snapshot), so a long-dead node cannot make the log grow without bound.
     */
    static RaftProperties properties(RaftSettings raft, Path raftDir) throws IOException {
        createOwnerOnly(raftDir);
        RaftProperties p = new RaftProperties();
        ChronikRpcType.use(p);
        TransportSettings.setBindAddress(p, raft.bind().host(), raft.bind().port());
        RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
        int election = raft.electionTimeoutMs();
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(election, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2L * election, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(election, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p,
                TimeDuration.valueOf(2L * election, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, raft.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.max(1, Math.min(1024, raft.snapshotThreshold())));
        SizeInBytes segment = SizeInBytes.valueOf(raft.logSegmentBytes());
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, segment);
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(raft.logSegmentBytes(), 1 << 20)));
        RaftServerConfigKeys.Log.Appender.setSnapshotChunkSizeMax(p, SizeInBytes.ONE_MB);
        return p;
    }
}
