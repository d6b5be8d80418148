package io.chronik.kafka.topics;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaErrors;
import io.chronik.kafka.KafkaRequest;
import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStateMachine;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.ReplicaPlacement;
import io.chronik.metadata.TopicImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * CreatePartitions: grows a topic to {@code count} partitions, with explicit replicas for the new ones or placed like
 * new topics (same replication factor). Partitions are never removed (INVALID_PARTITIONS).
 */
final class CreatePartitionsHandler implements ApiHandler {

    private final MetadataStore metadata;

    CreatePartitionsHandler(MetadataStore metadata) {
        this.metadata = metadata;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_PARTITIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        CreatePartitionsRequestData req = request.bodyAs(CreatePartitionsRequestData.class);
        Map<String, Integer> occurrences = new HashMap<>();
        req.topics().forEach(t -> occurrences.merge(t.name(), 1, Integer::sum));
        CreatePartitionsResponseData response = new CreatePartitionsResponseData().setThrottleTimeMs(0);
        for (CreatePartitionsTopic t : req.topics()) {
            CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(t.name());
            try {
                if (occurrences.get(t.name()) > 1) {
                    throw new ChronikException(ErrorCode.INVALID_REQUEST, "Duplicate topic in request: " + t.name());
                }
                grow(t, req.validateOnly());
            } catch (RuntimeException e) {
                result.setErrorCode(KafkaErrors.of(e).code()).setErrorMessage(KafkaErrors.message(e));
            }
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private void grow(CreatePartitionsTopic t, boolean validateOnly) {
        MetadataImage image = metadata.current();
        TopicImage topic = image.topic(t.name()).orElseThrow(() -> new ChronikException(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "This server does not host this topic: " + t.name()));
        int current = topic.partitions().size();
        if (t.count() < current) {
            throw new ChronikException(ErrorCode.INVALID_PARTITIONS, "Topic currently has " + current
                    + " partitions, which is higher than the requested " + t.count() + ".");
        }
        if (t.count() == current) {
            throw new ChronikException(ErrorCode.INVALID_PARTITIONS, "Topic already has " + current + " partitions.");
        }
        int added = t.count() - current;
        List<List<Integer>> replicas;
        if (t.assignments() != null) {
            if (t.assignments().size() != added) {
                throw new ChronikException(ErrorCode.INVALID_REPLICA_ASSIGNMENT, "Attempted to add " + added
                        + " additional partition(s), but only " + t.assignments().size()
                        + " assignment(s) were specified.");
            }
            replicas = t.assignments().stream().map(a -> List.copyOf(a.brokerIds())).toList();
        } else {
            replicas = ReplicaPlacement.place(image.brokers().keySet(), current, added,
                    topic.partitions().get(0).replicas().size());
        }
        MetadataCommand.CreatePartitions command = new MetadataCommand.CreatePartitions(t.name(), replicas);
        if (validateOnly) {
            MetadataStateMachine.apply(image, command);
        } else {
            metadata.submit(command);
        }
    }
}
