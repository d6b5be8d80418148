package io.chronik.kafka.data;

import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import io.chronik.txn.ProducerIdManager;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InitProducerId for idempotent producers: a fresh producer id with epoch 0 for every request without a
 * transactional id — what Kafka does too, whatever producer id and epoch the request carries.
 *
 * <p>Transactions are not implemented: a request with a transactional id is answered UNSUPPORTED_VERSION. The Java
 * producer surfaces that from {@code initTransactions()} as a fatal
 * {@code KafkaException("Unexpected error in InitProducerIdResponse; The version of API is not supported.")}, which
 * fails fast instead of retrying until {@code max.block.ms}; the server logs the transactional id.
 * Failing to reserve a block of ids in the metadata answers COORDINATOR_LOAD_IN_PROGRESS, which clients retry.
 */
final class InitProducerIdHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(InitProducerIdHandler.class);

    private final ProducerIdManager producerIds;

    InitProducerIdHandler(ProducerIdManager producerIds) {
        this.producerIds = producerIds;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var data = request.bodyAs(InitProducerIdRequestData.class);
        var response = new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short) -1);
        if (data.transactionalId() != null) {
            log.warn("Client {} asked for transactional id '{}': transactions are not supported",
                    request.clientId(), data.transactionalId());
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_VERSION.code()));
        }
        try {
            response.setProducerId(producerIds.nextProducerId()).setProducerEpoch((short) 0);
        } catch (RuntimeException e) {
            log.error("Cannot reserve producer ids: {}", e.toString());
            response.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        }
        return CompletableFuture.completedFuture(response);
    }
}
