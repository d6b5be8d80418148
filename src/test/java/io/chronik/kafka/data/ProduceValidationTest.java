package io.chronik.kafka.data;

import static io.chronik.kafka.data.ProduceConsumeTest.createTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chronik.testing.ChronikServerExtension;
import io.chronik.testing.ChronikTestServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Produce requests no well-behaved client sends: duplicates and sequence gaps of idempotent producers, corrupt and
 * oversized batches, out-of-range timestamps, keyless records on compacted topics, bad acks. Each gets Kafka's exact
 * error code and stores nothing.
 */
@ExtendWith(ChronikServerExtension.class)
class ProduceValidationTest {

    private static final short PRODUCE_V = 12;

    static ProduceResponseData.PartitionProduceResponse produce(RawKafkaClient client, String topic,
            MemoryRecords records, short acks) throws Exception {
        var data = new ProduceRequestData().setAcks(acks).setTimeoutMs(10_000);
        var topicData = new ProduceRequestData.TopicProduceData().setName(topic);
        topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        data.topicData().add(topicData);
        ProduceResponseData response = client.send(data, PRODUCE_V);
        return response.responses().iterator().next().partitionResponses().get(0);
    }

    static long latestOffset(RawKafkaClient client, String topic) throws Exception {
        var data = new ListOffsetsRequestData().setReplicaId(-1);
        var t = new ListOffsetsRequestData.ListOffsetsTopic().setName(topic);
        t.partitions().add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1));
        data.topics().add(t);
        ListOffsetsResponseData response = client.send(data, (short) 9);
        var p = response.topics().get(0).partitions().get(0);
        assertEquals(Errors.NONE.code(), p.errorCode());
        return p.offset();
    }

    static long producerId(RawKafkaClient client) throws Exception {
        InitProducerIdResponseData response = client.send(new InitProducerIdRequestData().setTransactionalId(null)
                .setTransactionTimeoutMs(60_000).setProducerId(-1).setProducerEpoch((short) -1), (short) 5);
        assertEquals(Errors.NONE.code(), response.errorCode());
        assertEquals(0, response.producerEpoch());
        return response.producerId();
    }

    static MemoryRecords idempotent(long pid, int epoch, int seq, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), ("k" + (seq + i)).getBytes(StandardCharsets.UTF_8),
                    ("v" + (seq + i)).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, pid, (short) epoch, seq, records);
    }

    @Test
    void duplicateBatchIsAnsweredWithItsOriginalOffsetAndStoredOnce(ChronikTestServer server) throws Exception {
        createTopic(server, "dup", 1, Map.of());
        try (var client = new RawKafkaClient(server.port())) {
            long pid = producerId(client);
            var first = produce(client, "dup", idempotent(pid, 0, 0, 3), (short) -1);
            assertEquals(Errors.NONE.code(), first.errorCode());
            assertEquals(0, first.baseOffset());
            var second = produce(client, "dup", idempotent(pid, 0, 3, 2), (short) -1);
            assertEquals(3, second.baseOffset());

            var retry = produce(client, "dup", idempotent(pid, 0, 0, 3), (short) -1);
            assertEquals(Errors.NONE.code(), retry.errorCode());
            assertEquals(0, retry.baseOffset());
            assertEquals(5, latestOffset(client, "dup"));
        }
    }

    @Test
    void sequenceGapIsOutOfOrderAndOlderEpochIsFenced(ChronikTestServer server) throws Exception {
        createTopic(server, "seq", 1, Map.of());
        try (var client = new RawKafkaClient(server.port())) {
            long pid = producerId(client);
            assertEquals(0, produce(client, "seq", idempotent(pid, 0, 0, 3), (short) 1).baseOffset());
            assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code(),
                    produce(client, "seq", idempotent(pid, 0, 10, 1), (short) 1).errorCode());
            assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code(),
                    produce(client, "seq", idempotent(pid, 1, 5, 1), (short) 1).errorCode(),
                    "a new epoch must start at sequence 0");
            assertEquals(3, produce(client, "seq", idempotent(pid, 1, 0, 1), (short) 1).baseOffset());
            assertEquals(Errors.INVALID_PRODUCER_EPOCH.code(),
                    produce(client, "seq", idempotent(pid, 0, 3, 1), (short) 1).errorCode());
            assertEquals(4, latestOffset(client, "seq"));
        }
    }

    @Test
    void unknownProducerIsAcceptedAtAnySequence(ChronikTestServer server) throws Exception {
        createTopic(server, "unknown-producer", 1, Map.of());
        try (var client = new RawKafkaClient(server.port())) {
            var response = produce(client, "unknown-producer", idempotent(producerId(client), 0, 42, 2), (short) 1);
            assertEquals(Errors.NONE.code(), response.errorCode());
        }
    }

    @Test
    void producerStateSurvivesARestart(ChronikTestServer server) throws Exception {
        createTopic(server, "restart", 1, Map.of());
        long pid;
        try (var client = new RawKafkaClient(server.port())) {
            pid = producerId(client);
            assertEquals(0, produce(client, "restart", idempotent(pid, 0, 0, 4), (short) -1).baseOffset());
            assertEquals(4, produce(client, "restart", idempotent(pid, 0, 4, 4), (short) -1).baseOffset());
        }
        server.restart();
        try (var client = new RawKafkaClient(server.port())) {
            var retry = produce(client, "restart", idempotent(pid, 0, 0, 4), (short) -1);
            assertEquals(Errors.NONE.code(), retry.errorCode());
            assertEquals(0, retry.baseOffset());
            assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code(),
                    produce(client, "restart", idempotent(pid, 0, 9, 1), (short) -1).errorCode());
            assertEquals(8, produce(client, "restart", idempotent(pid, 0, 8, 1), (short) -1).baseOffset());
            assertEquals(9, latestOffset(client, "restart"));
        }
    }

    @Test
    void malformedBatchesGetKafkasErrorCodesAndStoreNothing(ChronikTestServer server) throws Exception {
        createTopic(server, "small", 1, Map.of("max.message.bytes", "1024"));
        createTopic(server, "future", 1, Map.of("message.timestamp.after.max.ms", "60000"));
        createTopic(server, "compacted", 1, Map.of("cleanup.policy", "compact"));
        createTopic(server, "plain", 1, Map.of());
        try (var client = new RawKafkaClient(server.port())) {
            MemoryRecords corrupt = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(),
                    "value".getBytes()));
            ByteBuffer bytes = corrupt.buffer();
            bytes.put(bytes.limit() - 1, (byte) (bytes.get(bytes.limit() - 1) ^ 0x5a));
            assertEquals(Errors.CORRUPT_MESSAGE.code(), produce(client, "plain", corrupt, (short) 1).errorCode());

            var tooLarge = produce(client, "small", MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord("k".getBytes(), new byte[2000])), (short) 1);
            assertEquals(Errors.MESSAGE_TOO_LARGE.code(), tooLarge.errorCode());

            var future = produce(client, "future", MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(System.currentTimeMillis(), "k".getBytes(), "ok".getBytes()),
                    new SimpleRecord(System.currentTimeMillis() + 3_600_000, "k".getBytes(), "late".getBytes())),
                    (short) 1);
            assertEquals(Errors.INVALID_TIMESTAMP.code(), future.errorCode());
            assertEquals(1, future.recordErrors().size());
            assertEquals(1, future.recordErrors().get(0).batchIndex());

            var futureCompressed = produce(client, "future", MemoryRecords.withRecords(Compression.gzip().build(),
                    new SimpleRecord(System.currentTimeMillis() + 3_600_000, "k".getBytes(), "late".getBytes())),
                    (short) 1);
            assertEquals(Errors.INVALID_TIMESTAMP.code(), futureCompressed.errorCode());

            var keyless = produce(client, "compacted", MemoryRecords.withRecords(Compression.lz4().build(),
                    new SimpleRecord("k".getBytes(), "v".getBytes()), new SimpleRecord(null, "v".getBytes())),
                    (short) 1);
            assertEquals(Errors.INVALID_RECORD.code(), keyless.errorCode());
            assertEquals(1, keyless.recordErrors().get(0).batchIndex());

            var badAcks = produce(client, "plain", MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord("k".getBytes(), "v".getBytes())), (short) 2);
            assertEquals(Errors.INVALID_REQUIRED_ACKS.code(), badAcks.errorCode());

            var unknown = produce(client, "no-such-topic", MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord("k".getBytes(), "v".getBytes())), (short) 1);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), unknown.errorCode());

            for (String topic : List.of("small", "future", "compacted", "plain")) {
                assertEquals(0, latestOffset(client, topic), topic + " must stay empty");
            }
            var ok = produce(client, "plain", MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord("k".getBytes(), "v".getBytes())), (short) 1);
            assertEquals(Errors.NONE.code(), ok.errorCode());
            assertEquals(0, ok.baseOffset());
        }
    }

    @Test
    void produceByUnknownTopicIdIsUnknownTopicId(ChronikTestServer server) throws Exception {
        try (var client = new RawKafkaClient(server.port())) {
            var data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(10_000);
            var topicData = new ProduceRequestData.TopicProduceData().setTopicId(Uuid.randomUuid());
            topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                    MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()))));
            data.topicData().add(topicData);
            ProduceResponseData response = client.send(data, (short) 13);
            var partition = response.responses().iterator().next().partitionResponses().get(0);
            assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), partition.errorCode());
        }
    }

    @Test
    void acksZeroGetsNoResponseButIsStored(ChronikTestServer server) throws Exception {
        createTopic(server, "fire", 1, Map.of());
        try (var client = new RawKafkaClient(server.port())) {
            var data = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(10_000);
            var topicData = new ProduceRequestData.TopicProduceData().setName("fire");
            topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                    MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()))));
            data.topicData().add(topicData);
            client.sendOnly(data, PRODUCE_V);
            // The next response on the connection must be the ListOffsets one (no produce response in between).
            long latest = 0;
            for (int i = 0; i < 50 && latest == 0; i++) {
                latest = latestOffset(client, "fire");
                Thread.sleep(20);
            }
            assertEquals(1, latest);
        }
    }

    @Test
    void transactionalIdIsRefusedClearly(ChronikTestServer server) throws Exception {
        try (var client = new RawKafkaClient(server.port())) {
            InitProducerIdResponseData response = client.send(new InitProducerIdRequestData()
                    .setTransactionalId("tx-1").setTransactionTimeoutMs(60_000), (short) 5);
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), response.errorCode());
        }
    }
}
