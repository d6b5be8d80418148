package io.chronik.kafka.compaction;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.config.ServerConfig;
import io.chronik.testing.ChronikTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cleanup.policy=compact topic, end to end: the real producer and consumer against a running node. */
class CompactedTopicTest {

    private static final String TOPIC = "compacted";
    private static final int KEYS = 5;
    private static final int UPDATES = 2_000;

    @TempDir
    Path dataDir;

    /** {@code c} with fast retention checks (they roll old active segments) and a fast cleaner. */
    private static ServerConfig withFastCleaner(ServerConfig c) {
        return c.withLogDefaults(c.logDefaults().withBackgroundIntervals(100, 100));
    }

    @Test
    void aConsumerFromTheBeginningSeesTheLatestValueOfEveryKeyOnceCompacted() throws Exception {
        try (var server = ChronikTestServer.start(dataDir, CompactedTopicTest::withFastCleaner)) {
            try (Admin admin = server.admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of(
                        "cleanup.policy", "compact",
                        "segment.ms", "300",
                        "min.cleanable.dirty.ratio", "0.01",
                        "min.compaction.lag.ms", "0",
                        "delete.retention.ms", "100")))).all().get(20, TimeUnit.SECONDS);
            }
            Map<String, String> latest = new LinkedHashMap<>();
            KafkaProducer<String, String> producer = server.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 1,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"));
            for (int i = 0; i < UPDATES; i++) {
                String key = "key-" + (i % KEYS);
                String value = "value-" + i;
                producer.send(new ProducerRecord<>(TOPIC, key, value));
                latest.put(key, value);
                if (i % 200 == 0) {
                    producer.flush();
                    Thread.sleep(100);
                }
            }
            producer.send(new ProducerRecord<>(TOPIC, "deleted", "soon gone")).get();
            producer.send(new ProducerRecord<>(TOPIC, "deleted", null)).get();
            producer.flush();

            KafkaConsumer<String, String> consumer = server.consumer(Map.of());
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> consumeFromBeginning(consumer, tp).size() == KEYS);

            List<ConsumerRecord<String, String>> compacted = consumeFromBeginning(consumer, tp);
            Map<String, String> seen = new HashMap<>();
            for (ConsumerRecord<String, String> record : compacted) {
                seen.put(record.key(), record.value());
            }
            assertEquals(latest, seen, "one record per key, its latest value; the tombstone expired");
            assertTrue(compacted.getLast().offset() < UPDATES + 2, "offsets are the original ones");
            for (int i = 1; i < compacted.size(); i++) {
                assertTrue(compacted.get(i).offset() > compacted.get(i - 1).offset());
            }
            assertEquals(UPDATES + 2, consumer.endOffsets(List.of(tp)).get(tp), "the log end offset is unchanged");
        }
    }

    /** Every record from offset 0 to the end offset. */
    private static List<ConsumerRecord<String, String>> consumeFromBeginning(KafkaConsumer<String, String> consumer,
            TopicPartition tp) {
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 3_000;
        while (consumer.position(tp) < end && System.currentTimeMillis() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        }
        return records;
    }
}
