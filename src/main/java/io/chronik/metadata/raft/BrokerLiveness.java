package io.chronik.metadata.raft;

import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.MetadataCommand.FenceBroker;
import io.chronik.metadata.MetadataCommand.UnfenceBroker;
import io.chronik.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * The controller's broker-liveness rule, kept apart from threads and Ratis so it can be tested alone. The Raft leader
 * already exchanges heartbeats with every follower; the time since a follower last answered one is its broker's
 * heartbeat. A live broker whose node has not answered for {@code sessionTimeoutMs} is fenced; a fenced broker whose
 * node answers again is unfenced. The leader's own broker is always alive. Only transitions become commands, so a
 * healthy cluster writes nothing to the Raft log.
 */
final class BrokerLiveness {

    private BrokerLiveness() {
    }

    /** Milliseconds since each follower's node last answered the leader, from the leader's role info. */
    static Map<Integer, Long> silenceByNode(RoleInfoProto role) {
        Map<Integer, Long> silence = new HashMap<>();
        if (role.hasLeaderInfo()) {
            for (ServerRpcProto follower : role.getLeaderInfo().getFollowerInfoList()) {
                RaftPeerId id = RaftPeerId.valueOf(follower.getId().getId());
                silence.put(RaftLayout.nodeId(id), follower.getLastRpcElapsedTimeMs());
            }
        }
        return silence;
    }

    /** The fence and unfence commands that bring {@code image} in line with the followers' silence. */
    static List<MetadataCommand> changes(MetadataImage image, int leaderNodeId, Map<Integer, Long> silence,
            long sessionTimeoutMs) {
        List<MetadataCommand> changes = new ArrayList<>();
        for (int broker : image.brokers().keySet()) {
            if (broker != leaderNodeId && silence.getOrDefault(broker, Long.MAX_VALUE) > sessionTimeoutMs) {
                changes.add(new FenceBroker(broker));
            }
        }
        for (int broker : image.fencedBrokers().keySet()) {
            if (broker == leaderNodeId || silence.getOrDefault(broker, Long.MAX_VALUE) <= sessionTimeoutMs) {
                changes.add(new UnfenceBroker(broker));
            }
        }
        return changes;
    }
}
