package io.chronik.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.config.HostPort;
import io.chronik.log.LogConfig;
import io.chronik.log.LogFlusher;
import io.chronik.log.PartitionLog;
import io.chronik.testing.RawKafkaConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection core against handlers defined here: ordering, ApiVersions, error replies, no-response requests. */
class KafkaConnectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final List<Integer> handledInOrder = new CopyOnWriteArrayList<>();
    private KafkaListener listener;

    /** A handler whose behaviour is a function of the request. */
    private record FakeHandler(ApiKeys apiKey, short minVersion, short maxVersion,
            Function<KafkaRequest, CompletableFuture<ApiMessage>> behaviour) implements ApiHandler {
        FakeHandler(ApiKeys apiKey, Function<KafkaRequest, CompletableFuture<ApiMessage>> behaviour) {
            this(apiKey, apiKey.oldestVersion(), apiKey.latestVersion(false), behaviour);
        }

        @Override
        public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
            return behaviour.apply(request);
        }
    }

    private RawKafkaConnection serve(ApiHandler... handlers) throws IOException {
        listener = KafkaListener.bind(new HostPort("127.0.0.1", 0), 1024 * 1024);
        listener.start(new ApiRegistry(List.of(handlers)));
        return connect();
    }

    private RawKafkaConnection connect() throws IOException {
        return new RawKafkaConnection("127.0.0.1", listener.port(), TIMEOUT);
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    /** Metadata: answers at once, except correlation id 1, which completes 300 ms later. */
    private FakeHandler metadata() {
        return new FakeHandler(ApiKeys.METADATA, r -> {
            int id = r.header().correlationId();
            handledInOrder.add(id);
            MetadataResponseData body = new MetadataResponseData().setClusterId("c" + id);
            return id != 1 ? CompletableFuture.completedFuture(body)
                    : CompletableFuture.supplyAsync(() -> body,
                            CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
        });
    }

    @Test
    void apiVersionsAdvertisesExactlyTheRegisteredApisAndProduceFromVersionZero() throws Exception {
        FakeHandler produce = new FakeHandler(ApiKeys.PRODUCE, r -> CompletableFuture.completedFuture(null));
        try (RawKafkaConnection c = serve(metadata(), produce)) {
            c.send(ApiKeys.API_VERSIONS, (short) 4, 7, new ApiVersionsRequestData()
                    .setClientSoftwareName("test").setClientSoftwareVersion("1.0"));
            RawKafkaConnection.Response r = c.receive(ApiKeys.API_VERSIONS, (short) 4);
            assertEquals(7, r.correlationId());
            ApiVersionsResponseData body = (ApiVersionsResponseData) r.body();
            assertEquals(Errors.NONE.code(), body.errorCode());
            Map<Short, String> ranges = body.apiKeys().stream().collect(Collectors.toMap(ApiVersion::apiKey,
                    v -> v.minVersion() + "-" + v.maxVersion()));
            assertEquals(Map.of(
                    ApiKeys.API_VERSIONS.id, "0-" + ApiKeys.API_VERSIONS.latestVersion(false),
                    ApiKeys.METADATA.id, ApiKeys.METADATA.oldestVersion() + "-" + ApiKeys.METADATA.latestVersion(false),
                    ApiKeys.PRODUCE.id, "0-" + ApiKeys.PRODUCE.latestVersion(false)), ranges);
        }
    }

    @Test
    void answersAnApiVersionsRequestNewerThanServedWithTheV0ErrorAndTheSupportedRange() throws Exception {
        try (RawKafkaConnection c = serve(metadata())) {
            // header v2 (flexible): api key, version 99, correlation id, client id, no tagged fields; body ignored
            byte[] client = "future-client".getBytes(StandardCharsets.UTF_8);
            ByteBuffer frame = ByteBuffer.allocate(4 + 2 + 2 + 4 + 2 + client.length + 1 + 3);
            frame.putInt(frame.capacity() - 4).putShort(ApiKeys.API_VERSIONS.id).putShort((short) 99).putInt(42)
                    .putShort((short) client.length).put(client).put((byte) 0).put(new byte[] {1, 1, 0});
            c.sendBytes(frame.array());
            RawKafkaConnection.Response r = c.receive(ApiKeys.API_VERSIONS, (short) 0);
            assertEquals(42, r.correlationId());
            ApiVersionsResponseData body = (ApiVersionsResponseData) r.body();
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), body.errorCode());
            assertEquals(1, body.apiKeys().size());
            ApiVersion range = body.apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertNotNull(range);
            assertEquals(0, range.minVersion());
            assertEquals(ApiKeys.API_VERSIONS.latestVersion(false), range.maxVersion());
            // the connection stays usable: the client retries with a version from the range
            c.send(ApiKeys.API_VERSIONS, (short) 3, 43, new ApiVersionsRequestData()
                    .setClientSoftwareName("future-client").setClientSoftwareVersion("9"));
            assertEquals(43, c.receive(ApiKeys.API_VERSIONS, (short) 3).correlationId());
        }
    }

    @Test
    void pipelinedRequestsAreHandledAndAnsweredInRequestOrderEvenWhenTheyCompleteOutOfOrder() throws Exception {
        try (RawKafkaConnection c = serve(metadata())) {
            short v = ApiKeys.METADATA.latestVersion(false);
            for (int id = 1; id <= 5; id++) {
                c.send(ApiKeys.METADATA, v, id, new MetadataRequestData().setTopics(new ArrayList<>()));
            }
            c.send(ApiKeys.API_VERSIONS, (short) 3, 6, new ApiVersionsRequestData()
                    .setClientSoftwareName("t").setClientSoftwareVersion("1"));
            for (int id = 1; id <= 5; id++) {
                RawKafkaConnection.Response r = c.receive(ApiKeys.METADATA, v);
                assertEquals(id, r.correlationId());
                assertEquals("c" + id, ((MetadataResponseData) r.body()).clusterId());
            }
            assertEquals(6, c.receive(ApiKeys.API_VERSIONS, (short) 3).correlationId());
            assertEquals(List.of(1, 2, 3, 4, 5), handledInOrder);
        }
    }

    @Test
    void responsesWrittenTogetherKeepTheirOrderAndBytesAcrossTheCoalescingBufferSize() throws Exception {
        // ids divisible by 3 answer with a body larger than the writer's coalescing buffer, the others small: the
        // ready responses are flushed in groups, and a large one must not overtake the small ones buffered before it
        FakeHandler mixed = new FakeHandler(ApiKeys.METADATA,
                r -> CompletableFuture.completedFuture(mixedSizeBody(r.header().correlationId())));
        try (RawKafkaConnection c = serve(mixed)) {
            short v = ApiKeys.METADATA.latestVersion(false);
            ByteBuffer pipelined = ByteBuffer.allocate(64 * 1024);
            for (int id = 1; id <= 30; id++) {
                pipelined.put(RawKafkaConnection.frame(ApiKeys.METADATA, v, id, new MetadataRequestData()));
            }
            c.sendBytes(Arrays.copyOf(pipelined.array(), pipelined.position()));
            for (int id = 1; id <= 30; id++) {
                RawKafkaConnection.Response r = c.receive(ApiKeys.METADATA, v);
                assertEquals(id, r.correlationId());
                assertEquals(mixedSizeBody(id), r.body());
            }
        }
    }

    /** Small, or (every third id) larger than the coalescing buffer: brokers with 10,000-character host names. */
    private static MetadataResponseData mixedSizeBody(int id) {
        var body = new MetadataResponseData().setClusterId("c" + id);
        int brokers = id % 3 == 0 ? SocketTransferableChannel.COALESCE_BYTES / 10_000 + 1 : 0;
        for (int b = 0; b < brokers; b++) {
            body.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(b)
                    .setHost((id + "." + b + "-").repeat(10_000).substring(0, 10_000)).setPort(9092));
        }
        return body;
    }

    @Test
    void sendsNothingForARequestWhoseHandlerAnswersNull() throws Exception {
        FakeHandler silentForOdd = new FakeHandler(ApiKeys.METADATA, r -> CompletableFuture.completedFuture(
                r.header().correlationId() % 2 == 1 ? null : new MetadataResponseData()));
        try (RawKafkaConnection c = serve(silentForOdd)) {
            short v = ApiKeys.METADATA.latestVersion(false);
            for (int id = 1; id <= 4; id++) {
                c.send(ApiKeys.METADATA, v, id, new MetadataRequestData());
            }
            assertEquals(2, c.receive(ApiKeys.METADATA, v).correlationId());
            assertEquals(4, c.receive(ApiKeys.METADATA, v).correlationId());
        }
    }

    @Test
    void aFailingHandlerIsAnsweredWithTheRequestsErrorResponse() throws Exception {
        FakeHandler failing = new FakeHandler(ApiKeys.CREATE_TOPICS, r -> {
            String name = r.bodyAs(CreateTopicsRequestData.class).topics().iterator().next().name();
            if (name.equals("thrown")) {
                throw new ChronikException(ErrorCode.INVALID_CONFIG, "bad config");
            }
            return CompletableFuture.failedFuture(new IllegalStateException("bug"));
        });
        try (RawKafkaConnection c = serve(failing)) {
            short v = ApiKeys.CREATE_TOPICS.latestVersion(false);
            for (String name : List.of("thrown", "failed")) {
                CreateTopicsRequestData req = new CreateTopicsRequestData();
                req.topics().add(new CreatableTopic().setName(name).setNumPartitions(1)
                        .setReplicationFactor((short) 1));
                c.send(ApiKeys.CREATE_TOPICS, v, 1, req);
            }
            CreateTopicsResponseData thrown = (CreateTopicsResponseData) c.receive(ApiKeys.CREATE_TOPICS, v).body();
            assertEquals(Errors.INVALID_CONFIG.code(), thrown.topics().find("thrown").errorCode());
            assertEquals("bad config", thrown.topics().find("thrown").errorMessage());
            CreateTopicsResponseData failed = (CreateTopicsResponseData) c.receive(ApiKeys.CREATE_TOPICS, v).body();
            assertEquals(Errors.UNKNOWN_SERVER_ERROR.code(), failed.topics().find("failed").errorCode());
        }
    }

    @Test
    void aFullInFlightQueueMakesTheReaderWaitWithoutLosingRequests() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        FakeHandler gated = new FakeHandler(ApiKeys.METADATA, r -> release.thenApply(x -> new MetadataResponseData()));
        try (RawKafkaConnection c = serve(gated)) {
            short v = ApiKeys.METADATA.latestVersion(false);
            int n = KafkaConnection.MAX_IN_FLIGHT + 50;
            for (int id = 0; id < n; id++) {
                c.send(ApiKeys.METADATA, v, id, new MetadataRequestData());
            }
            release.complete(null);
            for (int id = 0; id < n; id++) {
                assertEquals(id, c.receive(ApiKeys.METADATA, v).correlationId());
            }
        }
    }

    @Test
    void forcesHeldForPipelinedProducesAreReleasedWhenTheNextRequestHasNotFullyArrived(@TempDir Path dir)
            throws Exception {
        try (LogFlusher flusher = new LogFlusher(1);
                PartitionLog log = PartitionLog.open(dir.resolve("t-0"), LogConfig.DEFAULT, flusher)) {
            // Appends on the reader thread, like the produce handler; nobody waits for durability, so only the
            // reader's release of its flush deferral can get these appends forced.
            FakeHandler produce = new FakeHandler(ApiKeys.PRODUCE, r -> {
                try {
                    log.append(MemoryRecords.withRecords(Compression.NONE,
                            new SimpleRecord(("r" + r.header().correlationId()).getBytes())).buffer(), 0, -1);
                } catch (IOException e) {
                    return CompletableFuture.failedFuture(e);
                }
                return CompletableFuture.completedFuture(null);
            });
            try (RawKafkaConnection c = serve(produce)) {
                short v = ApiKeys.PRODUCE.latestVersion(false);
                var body = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(1000);
                byte[] first = RawKafkaConnection.frame(ApiKeys.PRODUCE, v, 1, body);
                byte[] second = RawKafkaConnection.frame(ApiKeys.PRODUCE, v, 2, body);
                byte[] third = RawKafkaConnection.frame(ApiKeys.PRODUCE, v, 3, body);
                // two whole requests and the first half of a third in one write: the reader appends both, then must
                // release the held force before it blocks on the rest of the third
                ByteBuffer burst = ByteBuffer.allocate(first.length + second.length + third.length / 2)
                        .put(first).put(second).put(third, 0, third.length / 2);
                c.sendBytes(burst.array());
                await().atMost(TIMEOUT).until(() -> log.durableEndOffset() == 2);
                assertEquals(2, log.logEndOffset());
                c.sendBytes(Arrays.copyOfRange(third, third.length / 2, third.length));
                await().atMost(TIMEOUT).until(() -> log.durableEndOffset() == 3);
            }
        }
    }
}
