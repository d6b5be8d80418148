package io.chronik.kafka.data;

import io.chronik.broker.ReplicaManager;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Fetch (v4 to the latest stable version). Sessionless: every response is a full response with session id 0,
 * which KIP-227 allows — the client then keeps sending full requests. A request that tries to continue a session
 * (an incremental epoch) gets FETCH_SESSION_ID_NOT_FOUND, as from a broker whose session cache is empty.
 *
 * <p>The first read happens on the connection reader. When it yields fewer than {@code minBytes} and nothing failed,
 * the request long-polls: a {@link FetchOperation} waits on a virtual thread, woken by high-watermark advances of
 * the requested partitions, and answers as soon as {@code minBytes} are available or {@code maxWaitMs} has passed.
 * Follower fetches (replica id ≥ 0) are served like consumer fetches; divergence checks (lastFetchedEpoch) belong to
 * the replication work.
 */
final class FetchHandler implements ApiHandler {

    private static final int INITIAL_EPOCH = 0;
    private static final int FINAL_EPOCH = -1;

    private final ReplicaManager replicas;

    FetchHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FETCH;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var data = request.bodyAs(FetchRequestData.class);
        if (data.sessionEpoch() != INITIAL_EPOCH && data.sessionEpoch() != FINAL_EPOCH) {
            return CompletableFuture.completedFuture(new FetchResponseData()
                    .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code()).setSessionId(0));
        }
        var operation = new FetchOperation(replicas, data, request.apiVersion());
        FetchOperation.Result first = operation.read();
        if (first.complete(data.minBytes()) || data.maxWaitMs() <= 0) {
            return CompletableFuture.completedFuture(first.response());
        }
        return operation.readWhenAvailable(data.minBytes(), data.maxWaitMs());
    }
}
