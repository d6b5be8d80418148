package io.chronik.kafka.group;

import io.chronik.common.ChronikException;
import io.chronik.group.GroupCoordinator;
import io.chronik.group.GroupDescription;
import io.chronik.group.GroupState;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeGroups (v0–6). An unknown group is reported in state Dead with no members, and from v6 with
 * GROUP_ID_NOT_FOUND (KIP-1043). Authorized operations are not computed (no ACLs): Integer.MIN_VALUE, "not
 * provided", as Kafka sends when they were not asked for.
 */
final class DescribeGroupsHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_GROUPS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var req = request.bodyAs(DescribeGroupsRequestData.class);
        var response = new DescribeGroupsResponseData();
        for (String groupId : req.groups()) {
            var group = new DescribedGroup().setGroupId(groupId).setProtocolType("").setProtocolData("")
                    .setAuthorizedOperations(Integer.MIN_VALUE);
            response.groups().add(group);
            GroupDescription d;
            try {
                d = coordinator.describe(groupId);
            } catch (ChronikException e) {
                group.setErrorCode(Errors.forCode(e.error().code()).code()).setGroupState("")
                        .setErrorMessage(request.apiVersion() >= 6 ? e.getMessage() : null);
                continue;
            }
            if (d == null) {
                group.setGroupState(GroupState.DEAD.kafkaName());
                if (request.apiVersion() >= 6) {
                    group.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                            .setErrorMessage("Group " + groupId + " not found.");
                }
                continue;
            }
            group.setGroupState(d.state().kafkaName()).setProtocolType(d.protocolType())
                    .setProtocolData(d.protocolName() == null ? "" : d.protocolName());
            for (GroupDescription.MemberDescription m : d.members()) {
                group.members().add(new DescribedGroupMember().setMemberId(m.memberId())
                        .setGroupInstanceId(m.groupInstanceId()).setClientId(m.clientId())
                        .setClientHost(m.clientHost()).setMemberMetadata(m.metadata())
                        .setMemberAssignment(m.assignment()));
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
