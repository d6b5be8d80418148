package io.chronik.metadata.raft.transport;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.client.impl.RaftClientRpcWithProxy;
import org.apache.ratis.proto.RaftProtos.GroupInfoReplyProto;
import org.apache.ratis.proto.RaftProtos.GroupListReplyProto;
import org.apache.ratis.proto.RaftProtos.RaftClientReplyProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupInfoRequest;
import org.apache.ratis.protocol.GroupListRequest;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.LeaderElectionManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.thirdparty.com.google.protobuf.InvalidProtocolBufferException;
import org.apache.ratis.thirdparty.com.google.protobuf.MessageLite;
import org.apache.ratis.util.IOUtils;
import org.apache.ratis.util.TimeDuration;

/**
 * A Ratis client's side of the transport: client requests, admin requests (set configuration, transfer leadership,
 * snapshot and leader-election management, group management, list and info) to any server, over one
 * {@link PeerConnection} per server. A call waits at most {@code raft.client.rpc.request.timeout} plus the request's
 * own timeout. On the asynchronous path a reply carrying NotLeader or LeaderNotReady completes the future
 * exceptionally, which is what Ratis's ordered and unordered async clients expect in order to fail over and retry.
 */
final class ChronikClientRpc extends RaftClientRpcWithProxy<PeerConnection> {

    private final TimeDuration requestTimeout;

    ChronikClientRpc(ClientId clientId, TransportSettings settings) {
        super(ChronikServerRpc.newProxyMap(clientId.toString(), settings));
        this.requestTimeout = settings.clientRequestTimeout();
    }

    @Override
    public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
        CompletableFuture<byte[]> reply = send(request);
        try {
            return decode(request, IOUtils.getFromFuture(reply, () -> "request " + request, timeoutOf(request)));
        } finally {
            reply.cancel(false);
        }
    }

    @Override
    public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
        return send(request).thenApply(bytes -> {
            try {
                RaftClientReply reply = decode(request, bytes);
                IOException redirect = reply.getNotLeaderException() != null ? reply.getNotLeaderException()
                        : reply.getLeaderNotReadyException();
                if (redirect != null) {
                    throw new CompletionException(redirect);
                }
                return reply;
            } catch (InvalidProtocolBufferException e) {
                throw new CompletionException(e);
            }
        });
    }

    @Override
    public CompletableFuture<RaftClientReply> sendRequestAsyncUnordered(RaftClientRequest request) {
        return sendRequestAsync(request);
    }

    private CompletableFuture<byte[]> send(RaftClientRequest request) {
        try {
            PeerConnection connection = getProxies().getProxy(request.getServerId());
            return connection.call(kindOf(request), encode(request).toByteArray(), timeoutOf(request));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private TimeDuration timeoutOf(RaftClientRequest request) {
        return requestTimeout.add(TimeDuration.valueOf(request.getTimeoutMs(), TimeUnit.MILLISECONDS));
    }

    static RpcKind kindOf(RaftClientRequest request) {
        return switch (request) {
            case GroupListRequest r -> RpcKind.GROUP_LIST;
            case GroupInfoRequest r -> RpcKind.GROUP_INFO;
            case GroupManagementRequest r -> RpcKind.GROUP_MANAGEMENT;
            case SetConfigurationRequest r -> RpcKind.SET_CONFIGURATION;
            case TransferLeadershipRequest r -> RpcKind.TRANSFER_LEADERSHIP;
            case SnapshotManagementRequest r -> RpcKind.SNAPSHOT_MANAGEMENT;
            case LeaderElectionManagementRequest r -> RpcKind.LEADER_ELECTION_MANAGEMENT;
            default -> RpcKind.CLIENT_REQUEST;
        };
    }

    private static MessageLite encode(RaftClientRequest request) {
        return switch (request) {
            case GroupListRequest r -> ClientProtoUtils.toGroupListRequestProto(r);
            case GroupInfoRequest r -> ClientProtoUtils.toGroupInfoRequestProto(r);
            case GroupManagementRequest r -> ClientProtoUtils.toGroupManagementRequestProto(r);
            case SetConfigurationRequest r -> ClientProtoUtils.toSetConfigurationRequestProto(r);
            case TransferLeadershipRequest r -> ClientProtoUtils.toTransferLeadershipRequestProto(r);
            case SnapshotManagementRequest r -> ClientProtoUtils.toSnapshotManagementRequestProto(r);
            case LeaderElectionManagementRequest r -> ClientProtoUtils.toLeaderElectionManagementRequestProto(r);
            default -> ClientProtoUtils.toRaftClientRequestProto(request);
        };
    }

    private static RaftClientReply decode(RaftClientRequest request, byte[] reply)
            throws InvalidProtocolBufferException {
        return switch (request) {
            case GroupListRequest r -> ClientProtoUtils.toGroupListReply(GroupListReplyProto.parseFrom(reply));
            case GroupInfoRequest r -> ClientProtoUtils.toGroupInfoReply(GroupInfoReplyProto.parseFrom(reply));
            default -> ClientProtoUtils.toRaftClientReply(RaftClientReplyProto.parseFrom(reply));
        };
    }
}
