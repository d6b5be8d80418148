package io.chronik.kafka.group;

import io.chronik.group.GroupCoordinator;
import io.chronik.group.JoinRequest;
import io.chronik.group.JoinResult;
import io.chronik.group.Protocol;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * JoinGroup (v0–9). Parks until the rebalance completes (the coordinator completes the future); v4+ dynamic members
 * first get MEMBER_ID_REQUIRED with their member id; v9+ lets a static leader rejoining a stable group skip the
 * assignment.
 */
final class JoinGroupHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.JOIN_GROUP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var req = request.bodyAs(JoinGroupRequestData.class);
        short version = request.apiVersion();
        List<Protocol> protocols = new ArrayList<>();
        req.protocols().forEach(p -> protocols.add(new Protocol(p.name(), p.metadata())));
        int rebalanceTimeout = version >= 1 ? req.rebalanceTimeoutMs() : req.sessionTimeoutMs();
        var join = new JoinRequest(req.groupId(), req.memberId(), req.groupInstanceId(), request.clientId(),
                request.clientAddress().toString(), req.sessionTimeoutMs(), rebalanceTimeout, req.protocolType(),
                protocols, version >= 4, version >= 9);
        return coordinator.join(join).thenApply(r -> response(r, version));
    }

    private static ApiMessage response(JoinResult r, short version) {
        var response = new JoinGroupResponseData()
                .setErrorCode(r.error().code())
                .setGenerationId(r.generationId())
                .setProtocolType(r.protocolType())
                .setProtocolName(r.protocolName() == null && version < 7 ? "" : r.protocolName())
                .setLeader(r.leaderId() == null ? "" : r.leaderId())
                .setMemberId(r.memberId() == null ? "" : r.memberId())
                .setSkipAssignment(r.skipAssignment());
        for (JoinResult.JoinedMember m : r.members()) {
            response.members().add(new JoinGroupResponseData.JoinGroupResponseMember()
                    .setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId())
                    .setMetadata(m.metadata()));
        }
        return response;
    }
}
