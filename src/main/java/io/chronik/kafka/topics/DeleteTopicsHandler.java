package io.chronik.kafka.topics;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaErrors;
import io.chronik.kafka.KafkaRequest;
import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * DeleteTopics, by name (v1-5) or by name or topic id (v6). The partition logs are removed by the broker when it sees
 * the topic gone from the metadata image.
 */
final class DeleteTopicsHandler implements ApiHandler {

    private final MetadataStore metadata;

    DeleteTopicsHandler(MetadataStore metadata) {
        this.metadata = metadata;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_TOPICS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        DeleteTopicsRequestData req = request.bodyAs(DeleteTopicsRequestData.class);
        List<DeleteTopicState> wanted = new ArrayList<>();
        if (request.apiVersion() >= 6) {
            wanted.addAll(req.topics());
        } else {
            req.topicNames().forEach(n -> wanted.add(new DeleteTopicState().setName(n).setTopicId(Uuid.ZERO_UUID)));
        }
        DeleteTopicsResponseData response = new DeleteTopicsResponseData().setThrottleTimeMs(0);
        for (DeleteTopicState t : wanted) {
            DeletableTopicResult result = new DeletableTopicResult().setName(t.name()).setTopicId(t.topicId());
            try {
                TopicImage topic = find(t);
                result.setName(topic.name()).setTopicId(TopicIds.toKafka(topic.id()));
                metadata.submit(new MetadataCommand.DeleteTopic(topic.name()));
            } catch (RuntimeException e) {
                result.setErrorCode(KafkaErrors.of(e).code()).setErrorMessage(KafkaErrors.message(e));
            }
            response.responses().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private TopicImage find(DeleteTopicState t) {
        boolean byId = t.topicId() != null && !t.topicId().equals(Uuid.ZERO_UUID);
        if (byId && t.name() != null) {
            throw new ChronikException(ErrorCode.INVALID_REQUEST,
                    "Only one of topic name or topic id may be given, got both for " + t.name());
        }
        if (byId) {
            return metadata.current().topicById(TopicIds.fromKafka(t.topicId())).orElseThrow(() ->
                    new ChronikException(ErrorCode.UNKNOWN_TOPIC_ID, "No topic with id " + t.topicId()));
        }
        if (t.name() == null) {
            throw new ChronikException(ErrorCode.INVALID_REQUEST, "Neither a topic name nor a topic id was given");
        }
        return metadata.current().topic(t.name()).orElseThrow(() -> new ChronikException(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "This server does not host this topic: " + t.name()));
    }
}
