package io.chronik.kafka.data;

import io.chronik.broker.Partition;
import io.chronik.broker.ProduceResult;
import io.chronik.broker.ReplicaManager;
import io.chronik.common.ChronikException;
import io.chronik.common.TopicPartition;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Produce (v3+). Only a partition's leader accepts it (else NOT_LEADER_OR_FOLLOWER). Each partition's batch is
 * validated ({@link BatchValidator}) and appended on the calling connection reader, so pipelined requests append in
 * request order. acks=-1 is refused with NOT_ENOUGH_REPLICAS before the append while the ISR is smaller than
 * {@code min.insync.replicas}. Then — without blocking the reader — acks=1 waits until the leader's own write is
 * durable, acks=-1 until the high watermark covers the batch (every ISR member has it durably; see {@link Partition}),
 * answering NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below the minimum meanwhile, or REQUEST_TIMED_OUT
 * after {@code timeoutMs}. acks=0 appends the same way and answers nothing; unlike
 * Kafka, an acks=0 request that failed does not close the connection.
 *
 * <p>Topics are named up to v12 and identified by topic id from v13 (unknown id: UNKNOWN_TOPIC_ID). Transactional
 * batches are refused with INVALID_TXN_STATE (transactions are not implemented), or
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED when the request carries no transactional id, as Kafka does.
 */
final class ProduceHandler implements ApiHandler {

    /** Kafka's internal topics, writable only by the broker itself ({@code Topic.isInternal}). */
    private static final Set<String> INTERNAL_TOPICS = Set.of("__consumer_offsets", "__transaction_state");

    private final ReplicaManager replicas;

    ProduceHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.PRODUCE;
    }

    /** Validates and appends every batch before returning: the record bytes are only valid until then. */
    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var data = request.bodyAs(ProduceRequestData.class);
        short version = request.apiVersion();
        short acks = data.acks();
        boolean validAcks = acks == -1 || acks == 0 || acks == 1;
        MetadataImage image = replicas.image();
        long now = System.currentTimeMillis();
        var response = new ProduceResponseData();
        List<CompletableFuture<Void>> waits = new ArrayList<>();

        for (ProduceRequestData.TopicProduceData topic : data.topicData()) {
            Optional<TopicImage> topicImage = version >= 13 ? image.topicById(Uuids.toJava(topic.topicId()))
                    : image.topic(topic.name());
            var topicResponse = new TopicProduceResponse().setName(topic.name()).setTopicId(topic.topicId());
            response.responses().add(topicResponse);
            for (ProduceRequestData.PartitionProduceData p : topic.partitionData()) {
                var pr = new PartitionProduceResponse().setIndex(p.index()).setBaseOffset(-1)
                        .setLogAppendTimeMs(-1).setLogStartOffset(-1);
                topicResponse.partitionResponses().add(pr);
                if (topicImage.isEmpty()) {
                    pr.setErrorCode((version >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION)
                            .code());
                    continue;
                }
                var tp = new TopicPartition(topicImage.get().name(), p.index());
                if (!validAcks) {
                    pr.setErrorCode(Errors.INVALID_REQUIRED_ACKS.code());
                    continue;
                }
                if (INTERNAL_TOPICS.contains(tp.topic()) && !"__admin_client".equals(request.clientId())) {
                    fail(pr, Errors.INVALID_TOPIC_EXCEPTION, "Cannot append to internal topic " + tp.topic());
                    continue;
                }
                CompletableFuture<Void> wait = produce(tp, (MemoryRecords) p.records(), data, version, now, pr);
                if (wait != null) {
                    waits.add(wait);
                }
            }
        }
        if (acks == 0 && validAcks) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    /** Appends one partition's batch, filling {@code pr}; returns the wait for the high watermark, if any. */
    private CompletableFuture<Void> produce(TopicPartition tp, MemoryRecords records, ProduceRequestData data,
            short version, long now, PartitionProduceResponse pr) {
        Partition partition;
        try {
            partition = replicas.leaderPartition(tp);
        } catch (ChronikException e) {
            fail(pr, Errors.forCode(e.error().code()), e.getMessage());
            return null;
        }
        switch (BatchValidator.validate(records, version, tp, partition.config(), now)) {
            case BatchValidator.Outcome.Invalid invalid -> {
                fail(pr, invalid.error(), invalid.message());
                pr.setRecordErrors(invalid.recordErrors());
                return null;
            }
            case BatchValidator.Outcome.Valid valid -> {
                if (valid.transactional()) {
                    fail(pr, data.transactionalId() == null ? Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
                            : Errors.INVALID_TXN_STATE, "Transactions are not supported by this server");
                    return null;
                }
                switch (partition.append(valid.batch(), valid.header(), data.acks())) {
                    case ProduceResult.Rejected r -> {
                        fail(pr, Errors.forCode(r.error().code()), r.message());
                        return null;
                    }
                    case ProduceResult.Appended a -> {
                        pr.setBaseOffset(a.baseOffset()).setLogAppendTimeMs(a.logAppendTime())
                                .setLogStartOffset(a.logStartOffset());
                        if (data.acks() == 0) {
                            return null;
                        }
                        return partition.awaitAcks(a.lastOffset() + 1, data.acks(), data.timeoutMs())
                                .thenAccept(error -> pr.setErrorCode(error.code()));
                    }
                }
            }
        }
    }

    private static void fail(PartitionProduceResponse pr, Errors error, String message) {
        pr.setErrorCode(error.code()).setErrorMessage(message);
    }
}
