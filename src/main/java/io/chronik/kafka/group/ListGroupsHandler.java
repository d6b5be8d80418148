package io.chronik.kafka.group;

import io.chronik.group.GroupCoordinator;
import io.chronik.group.GroupListing;
import io.chronik.group.GroupState;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * ListGroups (v0–5) of the groups this node coordinates, with state filters (v4+, case-insensitive) and type filters
 * (v5+). Every group here is a classic group, so a type filter without "classic" lists nothing.
 */
final class ListGroupsHandler implements ApiHandler {

    private static final String CLASSIC = "classic";

    private final GroupCoordinator coordinator;

    ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_GROUPS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var req = request.bodyAs(ListGroupsRequestData.class);
        var response = new ListGroupsResponseData();
        boolean typeMatches = req.typesFilter().isEmpty()
                || req.typesFilter().stream().anyMatch(CLASSIC::equalsIgnoreCase);
        Set<GroupState> states = EnumSet.noneOf(GroupState.class);
        boolean unknownStateOnly = !req.statesFilter().isEmpty();
        for (String s : req.statesFilter()) {
            GroupState state = GroupState.ofKafkaName(s);
            if (state != null) {
                states.add(state);
                unknownStateOnly = false;
            }
        }
        if (!typeMatches || unknownStateOnly) {
            return CompletableFuture.completedFuture(response);
        }
        for (GroupListing g : coordinator.list(states)) {
            response.groups().add(new ListGroupsResponseData.ListedGroup().setGroupId(g.groupId())
                    .setProtocolType(g.protocolType()).setGroupState(g.state().kafkaName()).setGroupType(CLASSIC));
        }
        return CompletableFuture.completedFuture(response);
    }
}
