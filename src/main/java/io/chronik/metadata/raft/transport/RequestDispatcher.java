package io.chronik.metadata.raft.transport;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.GroupInfoRequestProto;
import org.apache.ratis.proto.RaftProtos.GroupListRequestProto;
import org.apache.ratis.proto.RaftProtos.GroupManagementRequestProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto;
import org.apache.ratis.proto.RaftProtos.LeaderElectionManagementRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto;
import org.apache.ratis.proto.RaftProtos.ReadIndexRequestProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteRequestProto;
import org.apache.ratis.proto.RaftProtos.SetConfigurationRequestProto;
import org.apache.ratis.proto.RaftProtos.SnapshotManagementRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.proto.RaftProtos.TransferLeadershipRequestProto;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.MessageLite;

/**
 * Turns an inbound request frame into a call on the local {@link RaftServer} and its reply into bytes.
 *
 * <p>Ordering: calls that Ratis offers asynchronously (append entries, client requests, read index, admin calls) are
 * <em>submitted</em> on the connection's reader thread, in arrival order, and complete later; install-snapshot, which
 * is only synchronous, also runs on the reader thread, so a follower sees a leader's snapshot chunks and appends in
 * the order they were sent. Votes and leader-election starts block (Ratis persists the vote) and are independent of
 * other traffic, so each runs on its own virtual thread. Thread-safe.
 */
final class RequestDispatcher {

    private final RaftServer server;

    RequestDispatcher(RaftServer server) {
        this.server = server;
    }

    /** Starts handling a request; the future completes with the serialized reply or the server's failure. */
    CompletableFuture<byte[]> dispatch(RpcKind kind, byte[] request) {
        try {
            return switch (kind) {
                case REQUEST_VOTE -> onVirtualThread(() ->
                        server.requestVote(RequestVoteRequestProto.parseFrom(request)));
                case START_LEADER_ELECTION -> onVirtualThread(() ->
                        server.startLeaderElection(StartLeaderElectionRequestProto.parseFrom(request)));
                case INSTALL_SNAPSHOT -> CompletableFuture.completedFuture(
                        server.installSnapshot(InstallSnapshotRequestProto.parseFrom(request)).toByteArray());
                case APPEND_ENTRIES -> bytes(server.appendEntriesAsync(AppendEntriesRequestProto.parseFrom(request)));
                case READ_INDEX -> bytes(server.readIndexAsync(ReadIndexRequestProto.parseFrom(request)));
                case CLIENT_REQUEST -> clientReply(server.submitClientRequestAsync(
                        ClientProtoUtils.toRaftClientRequest(RaftClientRequestProto.parseFrom(request))));
                case SET_CONFIGURATION -> clientReply(server.setConfigurationAsync(
                        ClientProtoUtils.toSetConfigurationRequest(SetConfigurationRequestProto.parseFrom(request))));
                case GROUP_MANAGEMENT -> clientReply(server.groupManagementAsync(
                        ClientProtoUtils.toGroupManagementRequest(GroupManagementRequestProto.parseFrom(request))));
                case TRANSFER_LEADERSHIP -> clientReply(server.transferLeadershipAsync(
                        ClientProtoUtils.toTransferLeadershipRequest(
                                TransferLeadershipRequestProto.parseFrom(request))));
                case SNAPSHOT_MANAGEMENT -> clientReply(server.snapshotManagementAsync(
                        ClientProtoUtils.toSnapshotManagementRequest(
                                SnapshotManagementRequestProto.parseFrom(request))));
                case LEADER_ELECTION_MANAGEMENT -> clientReply(server.leaderElectionManagementAsync(
                        ClientProtoUtils.toLeaderElectionManagementRequest(
                                LeaderElectionManagementRequestProto.parseFrom(request))));
                case GROUP_LIST -> server.getGroupListAsync(
                                ClientProtoUtils.toGroupListRequest(GroupListRequestProto.parseFrom(request)))
                        .thenApply(r -> ClientProtoUtils.toGroupListReplyProto(r).toByteArray());
                case GROUP_INFO -> server.getGroupInfoAsync(
                                ClientProtoUtils.toGroupInfoRequest(GroupInfoRequestProto.parseFrom(request)))
                        .thenApply(r -> ClientProtoUtils.toGroupInfoReplyProto(r).toByteArray());
            };
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private interface BlockingCall {
        MessageLite call() throws IOException;
    }

    private static CompletableFuture<byte[]> onVirtualThread(BlockingCall call) {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        Thread.ofVirtual().name("raft-call").start(() -> {
            try {
                reply.complete(call.call().toByteArray());
            } catch (IOException | RuntimeException e) {
                reply.completeExceptionally(e);
            }
        });
        return reply;
    }

    private static CompletableFuture<byte[]> bytes(CompletableFuture<? extends MessageLite> reply) {
        return reply.thenApply(MessageLite::toByteArray);
    }

    private static CompletableFuture<byte[]> clientReply(CompletableFuture<RaftClientReply> reply) {
        return reply.thenApply(r -> ClientProtoUtils.toRaftClientReplyProto(r).toByteArray());
    }
}
