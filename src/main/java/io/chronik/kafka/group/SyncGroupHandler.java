package io.chronik.kafka.group;

import io.chronik.group.GroupCoordinator;
import io.chronik.group.SyncRequest;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** SyncGroup (v0–5): followers park until the leader's assignment is durable; v5+ checks protocol type and name. */
final class SyncGroupHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SYNC_GROUP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var req = request.bodyAs(SyncGroupRequestData.class);
        Map<String, byte[]> assignments = new HashMap<>();
        req.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
        var sync = new SyncRequest(req.groupId(), req.memberId(), req.groupInstanceId(), req.generationId(),
                req.protocolType(), req.protocolName(), assignments);
        return coordinator.sync(sync).thenApply(r -> new SyncGroupResponseData()
                .setErrorCode(r.error().code())
                .setProtocolType(r.protocolType())
                .setProtocolName(r.protocolName())
                .setAssignment(r.assignment()));
    }
}
