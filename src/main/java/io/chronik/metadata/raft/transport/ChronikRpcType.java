package io.chronik.metadata.raft.transport;

import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;

/**
 * Chronik's Ratis RPC type: Raft traffic over plain blocking TCP sockets, one virtual thread per connection, no gRPC
 * or Netty. Ratis finds it by class name ({@code raft.rpc.type = io.chronik.metadata.raft.transport.ChronikRpcType}),
 * so {@link #name()} is the class name and the class has a public no-argument constructor. The wire format is
 * described in {@link Frame} and {@link RpcKind}; settings in {@link TransportSettings}.
 */
public final class ChronikRpcType implements RpcType {

    public static final ChronikRpcType INSTANCE = new ChronikRpcType();

    /** For Ratis's reflective lookup; use {@link #INSTANCE}. */
    public ChronikRpcType() {
    }

    /** Makes servers and clients built with {@code properties} use this transport. */
    public static void use(RaftProperties properties) {
        RaftConfigKeys.Rpc.setType(properties, INSTANCE);
    }

    @Override
    public String name() {
        return ChronikRpcType.class.getName();
    }

    @Override
    public RpcFactory newFactory(Parameters parameters) {
        return new ChronikRpcFactory(parameters);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChronikRpcType;
    }

    @Override
    public int hashCode() {
        return name().hashCode();
    }

    @Override
    public String toString() {
        return name();
    }
}
