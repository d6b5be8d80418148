package io.chronik.metadata.raft.transport;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotReplyProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.ReadIndexReplyProto;
import org.apache.ratis.proto.RaftProtos.ReadIndexRequestProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteReplyProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionReplyProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpcWithProxy;
import org.apache.ratis.server.protocol.RaftServerAsynchronousProtocol;
import org.apache.ratis.thirdparty.com.google.protobuf.InvalidProtocolBufferException;
import org.apache.ratis.thirdparty.com.google.protobuf.MessageLite;
import org.apache.ratis.util.CodeInjectionForTesting;
import org.apache.ratis.util.JavaUtils;
import org.apache.ratis.util.PeerProxyMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Ratis server's side of the transport: the Raft listener (one virtual thread accepting, one per accepted
 * connection, see {@link InboundConnection}) and the outbound server-to-server calls (vote, append entries, install
 * snapshot, start leader election, read index), one {@link PeerConnection} per peer kept by Ratis's
 * {@link PeerProxyMap}. Synchronous calls wait at most {@code raft.server.rpc.request.timeout}; a failed call resets
 * the peer's connection so the next call reconnects.
 */
final class ChronikServerRpc extends RaftServerRpcWithProxy<PeerConnection, PeerProxyMap<PeerConnection>>
        implements RaftServerAsynchronousProtocol {

    private static final Logger LOG = LoggerFactory.getLogger(ChronikServerRpc.class);
    /**
     * Ratis's code-injection point before every outbound server call (a no-op unless a test injects code); Ratis's
     * test suites use it to delay or block traffic, as with the Netty and gRPC transports.
     */
    static final String SEND_SERVER_REQUEST = "ChronikServerRpc.sendServerRequest";

    private final TransportSettings settings;
    private final RequestDispatcher dispatcher;
    private final Set<InboundConnection> inbound = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

    ChronikServerRpc(RaftServer server, TransportSettings settings) {
        super(server::getId, id -> newProxyMap(id.toString(), settings));
        this.settings = settings;
        this.dispatcher = new RequestDispatcher(server);
    }

    /** Connections from {@code owner} to its peers; connect backoff is kept per peer across reconnects. */
    static PeerProxyMap<PeerConnection> newProxyMap(String owner, TransportSettings settings) {
        Map<RaftPeerId, ConnectBackoff> backoffs = new ConcurrentHashMap<>();
        long maxDelay = settings.maxReconnectDelay().toLong(TimeUnit.MILLISECONDS);
        return new PeerProxyMap<>(owner, peer -> new PeerConnection(owner + "->" + peer.getId(), peer.getAddress(),
                settings, backoffs.computeIfAbsent(peer.getId(), id -> new ConnectBackoff(maxDelay))));
    }

    @Override
    public RpcType getRpcType() {
        return ChronikRpcType.INSTANCE;
    }

    @Override
    protected void startImpl() throws IOException {
        var address = new InetSocketAddress(settings.bindHost(), settings.bindPort());
        var socket = new ServerSocket();
        socket.setReuseAddress(true);
        try {
            socket.bind(address, 128);
        } catch (IOException e) {
            socket.close();
            var bind = new BindException("Raft listener cannot bind " + settings.bindHost() + ":"
                    + settings.bindPort() + ": " + e.getMessage());
            bind.initCause(e);
            throw bind;
        }
        listener = socket;
        Thread.ofVirtual().name("raft-accept-" + getId()).start(this::acceptLoop);
        LOG.info("{}: Raft listener on {}", getId(), socket.getLocalSocketAddress());
    }

    private void acceptLoop() {
        ServerSocket socket = listener;
        while (!socket.isClosed()) {
            try {
                Socket accepted = socket.accept();
                var connection = new InboundConnection(accepted, dispatcher, settings.maxFrameBytes());
                inbound.add(connection);
                Thread.ofVirtual().name("raft-conn-" + accepted.getRemoteSocketAddress()).start(() -> {
                    try {
                        connection.serve();
                    } finally {
                        inbound.remove(connection);
                    }
                });
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.warn("{}: accepting a Raft connection failed: {}", getId(), e.getMessage());
                }
            }
        }
    }

    @Override
    public void closeImpl() throws IOException {
        ServerSocket socket = listener;
        if (socket != null) {
            socket.close();
        }
        inbound.forEach(InboundConnection::closeQuietly);
        super.closeImpl();
    }

    @Override
    public InetSocketAddress getInetSocketAddress() {
        ServerSocket socket = listener;
        return socket != null && socket.isBound() ? (InetSocketAddress) socket.getLocalSocketAddress()
                : new InetSocketAddress(settings.bindHost(), settings.bindPort());
    }

    @Override
    public RequestVoteReplyProto requestVote(RequestVoteRequestProto request) throws IOException {
        return RequestVoteReplyProto.parseFrom(callSync(request.getServerRequest(), RpcKind.REQUEST_VOTE, request));
    }

    @Override
    public AppendEntriesReplyProto appendEntries(AppendEntriesRequestProto request) throws IOException {
        return AppendEntriesReplyProto.parseFrom(
                callSync(request.getServerRequest(), RpcKind.APPEND_ENTRIES, request));
    }

    @Override
    public InstallSnapshotReplyProto installSnapshot(InstallSnapshotRequestProto request) throws IOException {
        return InstallSnapshotReplyProto.parseFrom(
                callSync(request.getServerRequest(), RpcKind.INSTALL_SNAPSHOT, request));
    }

    @Override
    public StartLeaderElectionReplyProto startLeaderElection(StartLeaderElectionRequestProto request)
            throws IOException {
        return StartLeaderElectionReplyProto.parseFrom(
                callSync(request.getServerRequest(), RpcKind.START_LEADER_ELECTION, request));
    }

    @Override
    public RaftServerAsynchronousProtocol async() {
        return this;
    }

    @Override
    public CompletableFuture<AppendEntriesReplyProto> appendEntriesAsync(AppendEntriesRequestProto request) {
        return callAsync(request.getServerRequest(), RpcKind.APPEND_ENTRIES, request)
                .thenApply(bytes -> parse(bytes, AppendEntriesReplyProto::parseFrom));
    }

    @Override
    public CompletableFuture<ReadIndexReplyProto> readIndexAsync(ReadIndexRequestProto request) {
        return callAsync(request.getServerRequest(), RpcKind.READ_INDEX, request)
                .thenApply(bytes -> parse(bytes, ReadIndexReplyProto::parseFrom));
    }

    private byte[] callSync(RaftRpcRequestProto header, RpcKind kind, MessageLite request) throws IOException {
        CodeInjectionForTesting.execute(SEND_SERVER_REQUEST, getId(), null, request);
        RaftPeerId peer = RaftPeerId.valueOf(header.getReplyId());
        try {
            return getProxies().getProxy(peer).callSync(kind, request.toByteArray(), settings.serverRequestTimeout());
        } catch (IOException e) {
            getProxies().handleException(peer, e, false);
            throw e;
        }
    }

    private CompletableFuture<byte[]> callAsync(RaftRpcRequestProto header, RpcKind kind, MessageLite request) {
        CodeInjectionForTesting.execute(SEND_SERVER_REQUEST, getId(), null, request);
        RaftPeerId peer = RaftPeerId.valueOf(header.getReplyId());
        CompletableFuture<byte[]> reply;
        try {
            reply = getProxies().getProxy(peer).call(kind, request.toByteArray(), settings.serverRequestTimeout());
        } catch (IOException e) {
            getProxies().handleException(peer, e, false);
            return CompletableFuture.failedFuture(e);
        }
        return reply.whenComplete((r, e) -> {
                    if (e != null) {
                        getProxies().handleException(peer, JavaUtils.unwrapCompletionException(e), false);
                    }
                });
    }

    interface Parser<T> {
        T parse(byte[] bytes) throws InvalidProtocolBufferException;
    }

    static <T> T parse(byte[] bytes, Parser<T> parser) {
        try {
            return parser.parse(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new CompletionException(e);
        }
    }
}
