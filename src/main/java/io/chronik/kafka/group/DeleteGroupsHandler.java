package io.chronik.kafka.group;

import io.chronik.group.GroupCoordinator;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaErrors;
import io.chronik.kafka.KafkaRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * DeleteGroups (v0–3): each Empty group is removed with its offsets (tombstones, answered once durable); a group
 * with members fails with NON_EMPTY_GROUP, an unknown one with GROUP_ID_NOT_FOUND, an empty id with
 * INVALID_GROUP_ID.
 */
final class DeleteGroupsHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_GROUPS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var req = request.bodyAs(DeleteGroupsRequestData.class);
        var response = new DeleteGroupsResponseData();
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (String groupId : req.groupsNames()) {
            var result = new DeletableGroupResult().setGroupId(groupId);
            response.results().add(result);
            CompletableFuture<Void> deleted;
            try {
                deleted = coordinator.deleteGroup(groupId);
            } catch (RuntimeException e) {
                deleted = CompletableFuture.failedFuture(e);
            }
            waits.add(deleted.handle((ok, failure) -> {
                if (failure != null) {
                    result.setErrorCode(KafkaErrors.of(failure).code());
                    if (request.apiVersion() >= 3) {
                        result.setErrorMessage(KafkaErrors.message(failure));
                    }
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }
}
