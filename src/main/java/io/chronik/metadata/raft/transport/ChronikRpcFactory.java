package io.chronik.metadata.raft.transport;

import org.apache.ratis.client.ClientFactory;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpc;
import org.apache.ratis.server.ServerFactory;

/**
 * Creates the transport's server and client ends. Leaders keep Ratis's default log appender (one outstanding
 * append-entries call per follower, on its own thread), so a slow or dead follower never delays the others.
 */
final class ChronikRpcFactory implements ServerFactory, ClientFactory {

    ChronikRpcFactory(Parameters parameters) {
        // no parameters: every setting is a RaftProperties key (TransportSettings)
    }

    @Override
    public RpcType getRpcType() {
        return ChronikRpcType.INSTANCE;
    }

    @Override
    public RaftServerRpc newRaftServerRpc(RaftServer server) {
        return new ChronikServerRpc(server, TransportSettings.of(server.getProperties()));
    }

    @Override
    public RaftClientRpc newRaftClientRpc(ClientId clientId, RaftProperties properties) {
        return new ChronikClientRpc(clientId, TransportSettings.of(properties));
    }
}
