package io.chronik.kafka.data;

import static io.chronik.kafka.data.ProduceConsumeTest.createTopic;
import static io.chronik.kafka.data.ProduceValidationTest.produce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.testing.ChronikServerExtension;
import io.chronik.testing.ChronikTestServer;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Fetch and leader-epoch edge cases over the raw protocol. */
@ExtendWith(ChronikServerExtension.class)
class FetchAndEpochTest {

    private static final short FETCH_V = 12;

    private static FetchResponseData.PartitionData fetch(RawKafkaClient client, String topic, long offset,
            int currentLeaderEpoch, int minBytes, int maxWaitMs) throws Exception {
        var data = new FetchRequestData().setMaxWaitMs(maxWaitMs).setMinBytes(minBytes).setMaxBytes(1 << 20)
                .setSessionId(0).setSessionEpoch(-1);
        var t = new FetchRequestData.FetchTopic().setTopic(topic);
        t.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(offset)
                .setCurrentLeaderEpoch(currentLeaderEpoch).setPartitionMaxBytes(1 << 20));
        data.topics().add(t);
        FetchResponseData response = client.send(data, FETCH_V);
        assertEquals(0, response.sessionId());
        return response.responses().get(0).partitions().get(0);
    }

    private static void produceThree(RawKafkaClient client, String topic) throws Exception {
        var records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("a".getBytes()),
                new SimpleRecord("b".getBytes()), new SimpleRecord("c".getBytes()));
        assertEquals(Errors.NONE.code(), produce(client, topic, records, (short) -1).errorCode());
    }

    @Test
    void fetchReportsOffsetsAndRejectsOutOfRangeAndWrongEpochs(ChronikTestServer server) throws Exception {
        createTopic(server, "f", 1, Map.of());
        try (var client = new RawKafkaClient(server.port())) {
            produceThree(client, "f");
            var ok = fetch(client, "f", 1, 0, 1, 0);
            assertEquals(Errors.NONE.code(), ok.errorCode());
            assertEquals(3, ok.highWatermark());
            assertEquals(3, ok.lastStableOffset());
            assertEquals(0, ok.logStartOffset());
            assertEquals(-1, ok.preferredReadReplica());
            var batches = ((MemoryRecords) ok.records()).batches().iterator();
            assertEquals(0, batches.next().baseOffset(), "the whole batch containing offset 1");

            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), fetch(client, "f", 4, -1, 1, 0).errorCode());
            assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), fetch(client, "f", 0, 5, 1, 0).errorCode());
            assertEquals(0, fetch(client, "f", 3, -1, 1, 0).records().sizeInBytes(), "at the HW: empty");
        }
    }

    @Test
    void unsatisfiedFetchAnswersAfterMaxWait(ChronikTestServer server) throws Exception {
        createTopic(server, "wait", 1, Map.of());
        try (var client = new RawKafkaClient(server.port())) {
            long start = System.nanoTime();
            var empty = fetch(client, "wait", 0, -1, 1, 400);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Errors.NONE.code(), empty.errorCode());
            assertEquals(0, empty.records().sizeInBytes());
            assertTrue(tookMs >= 350 && tookMs < 3_000, "took " + tookMs + " ms");
        }
    }

    @Test
    void incrementalSessionsAndUnknownTopicIdsAreRefused(ChronikTestServer server) throws Exception {
        try (var client = new RawKafkaClient(server.port())) {
            FetchResponseData incremental = client.send(new FetchRequestData().setSessionId(17).setSessionEpoch(3)
                    .setMaxBytes(1 << 20), FETCH_V);
            assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND.code(), incremental.errorCode());

            var data = new FetchRequestData().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20).setSessionEpoch(-1);
            var t = new FetchRequestData.FetchTopic().setTopicId(Uuid.randomUuid());
            t.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setPartitionMaxBytes(1024));
            data.topics().add(t);
            FetchResponseData response = client.send(data, (short) 17);
            assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), response.responses().get(0).partitions().get(0).errorCode());
        }
    }

    @Test
    void offsetForLeaderEpochAndListOffsetsCheckTheCurrentEpoch(ChronikTestServer server) throws Exception {
        createTopic(server, "e", 1, Map.of());
        try (var client = new RawKafkaClient(server.port())) {
            produceThree(client, "e");
            var request = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
            var t = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("e");
            t.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0)
                    .setCurrentLeaderEpoch(0).setLeaderEpoch(0));
            t.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0)
                    .setCurrentLeaderEpoch(1).setLeaderEpoch(0));
            request.topics().add(t);
            OffsetForLeaderEpochResponseData response = client.send(request, (short) 4);
            var current = response.topics().iterator().next().partitions().get(0);
            assertEquals(Errors.NONE.code(), current.errorCode());
            assertEquals(0, current.leaderEpoch());
            assertEquals(3, current.endOffset());
            assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(),
                    response.topics().iterator().next().partitions().get(1).errorCode());

            var list = new ListOffsetsRequestData().setReplicaId(-1);
            var lt = new ListOffsetsRequestData.ListOffsetsTopic().setName("e");
            lt.partitions().add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0)
                    .setTimestamp(-1).setCurrentLeaderEpoch(0));
            list.topics().add(lt);
            ListOffsetsResponseData offsets = client.send(list, (short) 9);
            var latest = offsets.topics().get(0).partitions().get(0);
            assertEquals(3, latest.offset());
            assertEquals(0, latest.leaderEpoch());
        }
    }
}
