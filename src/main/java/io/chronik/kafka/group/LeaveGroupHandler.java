package io.chronik.kafka.group;

import io.chronik.common.ErrorCode;
import io.chronik.group.GroupCoordinator;
import io.chronik.group.LeavingMember;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * LeaveGroup (v0–5): one member before v3, a batch of members (by member id and/or group instance id) from v3. Before
 * v3 the member's error is the response's error; from v3 each member has its own and the top level is NONE.
 */
final class LeaveGroupHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LEAVE_GROUP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var req = request.bodyAs(LeaveGroupRequestData.class);
        List<LeavingMember> leaving = new ArrayList<>();
        if (request.apiVersion() < 3) {
            leaving.add(new LeavingMember(req.memberId(), null));
        } else {
            req.members().forEach(m -> leaving.add(new LeavingMember(m.memberId(), m.groupInstanceId())));
        }
        List<LeavingMember> results = coordinator.leave(req.groupId(), leaving);
        var response = new LeaveGroupResponseData();
        if (request.apiVersion() < 3) {
            return CompletableFuture.completedFuture(response.setErrorCode(results.getFirst().error().code()));
        }
        for (LeavingMember m : results) {
            response.members().add(new LeaveGroupResponseData.MemberResponse()
                    .setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId())
                    .setErrorCode(m.error().code()));
        }
        return CompletableFuture.completedFuture(response.setErrorCode(ErrorCode.NONE.code()));
    }
}
