package io.chronik.kafka.data;

import static io.chronik.kafka.data.ProduceConsumeTest.createTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.testing.ChronikServerExtension;
import io.chronik.testing.ChronikTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ListOffsets, DeleteRecords and DescribeLogDirs through the real AdminClient. */
@ExtendWith(ChronikServerExtension.class)
class OffsetsAdminTest {

    private static final TopicPartition TP = new TopicPartition("offsets", 0);
    private static final long T0 = 1_700_000_000_000L;

    /** 10 batches of 10 records; record i has timestamp T0 + 10*i, except record 55 which has the max timestamp. */
    private static void produceTimeline(ChronikTestServer server) throws Exception {
        KafkaProducer<String, String> producer = server.producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4", ProducerConfig.LINGER_MS_CONFIG, 0));
        for (int batch = 0; batch < 10; batch++) {
            for (int j = 0; j < 10; j++) {
                int i = batch * 10 + j;
                long ts = i == 55 ? T0 + 5_000 : T0 + 10L * i;
                producer.send(new ProducerRecord<>(TP.topic(), 0, ts, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private static ListOffsetsResultInfo list(Admin admin, OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(TP, spec)).partitionResult(TP).get(20, TimeUnit.SECONDS);
    }

    @Test
    void listOffsetsAnswersEarliestLatestTimestampAndMaxTimestamp(ChronikTestServer server) throws Exception {
        createTopic(server, TP.topic(), 1, Map.of("message.timestamp.before.max.ms", String.valueOf(Long.MAX_VALUE)));
        Admin admin = server.admin(Map.of());
        assertEquals(0, list(admin, OffsetSpec.latest()).offset());
        assertEquals(-1, list(admin, OffsetSpec.forTimestamp(T0)).offset(), "empty log has no timestamp match");
        produceTimeline(server);

        assertEquals(0, list(admin, OffsetSpec.earliest()).offset());
        assertEquals(100, list(admin, OffsetSpec.latest()).offset());
        ListOffsetsResultInfo exact = list(admin, OffsetSpec.forTimestamp(T0 + 10 * 37));
        assertEquals(37, exact.offset(), "first record at the timestamp, inside a batch");
        assertEquals(T0 + 370, exact.timestamp());
        assertEquals(38, list(admin, OffsetSpec.forTimestamp(T0 + 10 * 37 + 1)).offset());
        assertEquals(0, list(admin, OffsetSpec.forTimestamp(0)).offset());
        assertEquals(-1, list(admin, OffsetSpec.forTimestamp(T0 + 1_000_000)).offset());
        ListOffsetsResultInfo max = list(admin, OffsetSpec.maxTimestamp());
        assertEquals(55, max.offset());
        assertEquals(T0 + 5_000, max.timestamp());
        assertEquals(0, list(admin, OffsetSpec.earliestLocal()).offset());
        assertEquals(-1, list(admin, OffsetSpec.latestTiered()).offset());
    }

    @Test
    void deleteRecordsMovesTheLowWatermarkAndConsumersStartThere(ChronikTestServer server) throws Exception {
        createTopic(server, TP.topic(), 1, Map.of("message.timestamp.before.max.ms", String.valueOf(Long.MAX_VALUE)));
        produceTimeline(server);
        Admin admin = server.admin(Map.of());
        long low = admin.deleteRecords(Map.of(TP, RecordsToDelete.beforeOffset(42))).lowWatermarks().get(TP)
                .get(20, TimeUnit.SECONDS).lowWatermark();
        assertEquals(42, low);
        assertEquals(42, list(admin, OffsetSpec.earliest()).offset());
        var beyond = admin.deleteRecords(Map.of(TP, RecordsToDelete.beforeOffset(1_000))).lowWatermarks().get(TP);
        var error = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> beyond.get(20, TimeUnit.SECONDS));
        assertTrue(error.getCause() instanceof OffsetOutOfRangeException, error.toString());

        var consumer = server.consumer(Map.of());
        consumer.assign(List.of(TP));
        consumer.seekToBeginning(List.of(TP));
        ConsumerRecord<String, String> first = null;
        long deadline = System.currentTimeMillis() + 20_000;
        while (first == null && System.currentTimeMillis() < deadline) {
            var records = consumer.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                first = records.iterator().next();
            }
        }
        assertEquals(42, first.offset());
        assertEquals("v42", first.value());

        long all = admin.deleteRecords(Map.of(TP, RecordsToDelete.beforeOffset(-1))).lowWatermarks().get(TP)
                .get(20, TimeUnit.SECONDS).lowWatermark();
        assertEquals(100, all, "offset -1 deletes up to the high watermark");
    }

    @Test
    void describeLogDirsReportsPartitionSizes(ChronikTestServer server) throws Exception {
        createTopic(server, TP.topic(), 1, Map.of("message.timestamp.before.max.ms", String.valueOf(Long.MAX_VALUE)));
        produceTimeline(server);
        Admin admin = server.admin(Map.of());
        Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(1)).allDescriptions()
                .get(20, TimeUnit.SECONDS).get(1);
        assertEquals(1, dirs.size());
        LogDirDescription dir = dirs.values().iterator().next();
        assertTrue(dir.replicaInfos().get(TP).size() > 1_000, "size " + dir.replicaInfos().get(TP).size());
        assertTrue(dir.totalBytes().orElse(0) > 0);
        assertTrue(dir.usableBytes().orElse(0) > 0);
    }
}
