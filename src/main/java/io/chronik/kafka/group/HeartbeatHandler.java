package io.chronik.kafka.group;

import io.chronik.group.GroupCoordinator;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** Heartbeat (v0–4): keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin. */
final class HeartbeatHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    HeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.HEARTBEAT;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var req = request.bodyAs(HeartbeatRequestData.class);
        var error = coordinator.heartbeat(req.groupId(), req.memberId(), req.groupInstanceId(), req.generationId());
        return CompletableFuture.completedFuture(new HeartbeatResponseData().setErrorCode(error.code()));
    }
}
