package io.chronik.kafka.group;

import io.chronik.group.GroupCoordinator;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.PartitionImage;
import io.chronik.metadata.TopicImage;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

/**
 * FindCoordinator (v0–6; a batch of keys from v4). A GROUP key is answered with the leader of the group's partition of
 * {@code __consumer_offsets}, which is created on the first lookup (COORDINATOR_NOT_AVAILABLE, which clients retry,
 * while the topic cannot be created, the partition has no leader, or this node is still loading it). TRANSACTION keys get
 * INVALID_REQUEST with a message saying transactions are not supported: a non-retriable error, so a transactional
 * producer fails at once with that message instead of retrying until its timeout. SHARE keys (share groups,
 * KIP-932) get INVALID_REQUEST too.
 */
final class FindCoordinatorHandler implements ApiHandler {

    static final String NO_TRANSACTIONS = "Transactions are not supported by this server: it has no transaction "
            + "coordinator";

    private final GroupCoordinator coordinator;
    private final MetadataStore metadata;
    private final OffsetsTopic offsetsTopic;
    private final int nodeId;

    FindCoordinatorHandler(GroupCoordinator coordinator, MetadataStore metadata, OffsetsTopic offsetsTopic,
            int nodeId) {
        this.coordinator = coordinator;
        this.metadata = metadata;
        this.offsetsTopic = offsetsTopic;
        this.nodeId = nodeId;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FIND_COORDINATOR;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var req = request.bodyAs(FindCoordinatorRequestData.class);
        var response = new FindCoordinatorResponseData();
        if (request.apiVersion() < 4) {
            Coordinator c = find(req.key(), req.keyType());
            response.setErrorCode(c.errorCode()).setErrorMessage(c.errorMessage()).setNodeId(c.nodeId())
                    .setHost(c.host()).setPort(c.port());
        } else {
            for (String key : req.coordinatorKeys()) {
                response.coordinators().add(find(key, req.keyType()));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private Coordinator find(String key, byte keyType) {
        var c = new Coordinator().setKey(key).setNodeId(-1).setHost("").setPort(-1);
        CoordinatorType type;
        try {
            type = CoordinatorType.forId(keyType);
        } catch (RuntimeException e) {
            return fail(c, Errors.INVALID_REQUEST, "Unknown coordinator key type " + keyType);
        }
        if (type == CoordinatorType.TRANSACTION) {
            return fail(c, Errors.INVALID_REQUEST, NO_TRANSACTIONS);
        }
        if (type != CoordinatorType.GROUP) {
            return fail(c, Errors.INVALID_REQUEST, "Coordinator key type " + type + " is not supported");
        }
        if (key == null || key.isEmpty()) {
            return fail(c, Errors.INVALID_REQUEST, "The group id must not be empty");
        }
        Optional<TopicImage> topic = offsetsTopic.getOrCreate();
        PartitionImage partition = topic.map(t -> t.partition(coordinator.partitionFor(key))).orElse(null);
        MetadataImage image = metadata.current();
        MetadataImage.BrokerInfo leader = partition == null ? null : image.brokers().get(partition.leader());
        if (leader == null || (leader.id() == nodeId && !coordinator.isCoordinatorFor(key))) {
            return fail(c, Errors.COORDINATOR_NOT_AVAILABLE, "The coordinator is not available");
        }
        return c.setNodeId(leader.id()).setHost(leader.host()).setPort(leader.port()).setErrorCode(Errors.NONE.code());
    }

    private static Coordinator fail(Coordinator c, Errors error, String message) {
        return c.setErrorCode(error.code()).setErrorMessage(message);
    }
}
