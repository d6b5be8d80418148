package io.chronik.metadata.raft.transport;

/**
 * The calls the transport carries; the code is the first byte of a request frame. Each kind has one request message
 * and one reply message of {@code org.apache.ratis.proto.RaftProtos}:
 * <pre>
 *  code kind                        request proto                       reply proto
 *   1   REQUEST_VOTE                RequestVoteRequestProto             RequestVoteReplyProto
 *   2   APPEND_ENTRIES              AppendEntriesRequestProto           AppendEntriesReplyProto
 *   3   INSTALL_SNAPSHOT            InstallSnapshotRequestProto         InstallSnapshotReplyProto
 *   4   START_LEADER_ELECTION       StartLeaderElectionRequestProto     StartLeaderElectionReplyProto
 *   5   READ_INDEX                  ReadIndexRequestProto               ReadIndexReplyProto
 *   6   CLIENT_REQUEST              RaftClientRequestProto              RaftClientReplyProto
 *   7   SET_CONFIGURATION           SetConfigurationRequestProto        RaftClientReplyProto
 *   8   GROUP_MANAGEMENT            GroupManagementRequestProto         RaftClientReplyProto
 *   9   GROUP_LIST                  GroupListRequestProto               GroupListReplyProto
 *  10   GROUP_INFO                  GroupInfoRequestProto               GroupInfoReplyProto
 *  11   TRANSFER_LEADERSHIP         TransferLeadershipRequestProto      RaftClientReplyProto
 *  12   SNAPSHOT_MANAGEMENT         SnapshotManagementRequestProto      RaftClientReplyProto
 *  13   LEADER_ELECTION_MANAGEMENT  LeaderElectionManagementRequestProto RaftClientReplyProto
 * </pre>
 * Codes are part of the wire format: never renumber, only append.
 */
enum RpcKind {
    REQUEST_VOTE(1),
    APPEND_ENTRIES(2),
    INSTALL_SNAPSHOT(3),
    START_LEADER_ELECTION(4),
    READ_INDEX(5),
    CLIENT_REQUEST(6),
    SET_CONFIGURATION(7),
    GROUP_MANAGEMENT(8),
    GROUP_LIST(9),
    GROUP_INFO(10),
    TRANSFER_LEADERSHIP(11),
    SNAPSHOT_MANAGEMENT(12),
    LEADER_ELECTION_MANAGEMENT(13);

    private static final RpcKind[] BY_CODE = new RpcKind[14];

    static {
        for (RpcKind kind : values()) {
            BY_CODE[kind.code] = kind;
        }
    }

    final byte code;

    RpcKind(int code) {
        this.code = (byte) code;
    }

    /** The kind with {@code code}, or null for a code this version does not know. */
    static RpcKind of(byte code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
