package io.chronik.kafka.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.testing.ChronikServerExtension;
import io.chronik.testing.ChronikTestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real KafkaProducer and KafkaConsumer (assign, no groups) against a running node. */
@ExtendWith(ChronikServerExtension.class)
class ProduceConsumeTest {

    static final int RECORDS = 300;

    static void createTopic(ChronikTestServer server, String name, int partitions, Map<String, String> configs)
            throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", server.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all()
                    .get(20, TimeUnit.SECONDS);
        }
    }

    static List<ConsumerRecord<String, String>> consumeAll(KafkaConsumer<String, String> consumer,
            List<TopicPartition> partitions, int expected) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (out.size() < expected && System.currentTimeMillis() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    @ParameterizedTest(name = "compression={0} acks={1} idempotence={2}")
    @CsvSource({
        "none, all, true", "none, 1, false", "none, 0, false",
        "gzip, all, true", "gzip, 1, false",
        "snappy, all, true", "snappy, 0, false",
        "lz4, all, true", "lz4, 1, false",
        "zstd, all, true", "zstd, 1, false"})
    void recordsRoundTripWithContentKeysHeadersTimestampsAndOrder(String compression, String acks,
            boolean idempotence, ChronikTestServer server) throws Exception {
        String topic = "rt-" + compression + "-" + acks.replace("-", "m") + "-" + idempotence;
        createTopic(server, topic, 2, Map.of());
        KafkaProducer<String, String> producer = server.producer(Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, compression,
                ProducerConfig.ACKS_CONFIG, acks,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, idempotence,
                ProducerConfig.LINGER_MS_CONFIG, 5));
        long baseTs = System.currentTimeMillis() - 60_000;
        List<CompletableFuture<RecordMetadata>> acked = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            var record = new ProducerRecord<>(topic, i % 2, baseTs + i, "key-" + i, "value-" + i + "-" + "x".repeat(i % 50));
            record.headers().add(new RecordHeader("h", ("hv" + i).getBytes(StandardCharsets.UTF_8)));
            var future = new CompletableFuture<RecordMetadata>();
            producer.send(record, (md, e) -> {
                if (e != null) {
                    future.completeExceptionally(e);
                } else {
                    future.complete(md);
                }
            });
            acked.add(future);
        }
        producer.flush();
        for (var f : acked) {
            RecordMetadata md = f.get(30, TimeUnit.SECONDS);
            if (!acks.equals("0")) {
                assertTrue(md.offset() >= 0);
            }
        }

        var consumer = server.consumer(Map.of());
        var partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        List<ConsumerRecord<String, String>> records = consumeAll(consumer, partitions, RECORDS);
        assertEquals(RECORDS, records.size());
        long[] nextOffset = new long[2];
        int[] lastIndex = {-2, -1};
        for (ConsumerRecord<String, String> r : records) {
            int i = Integer.parseInt(r.key().substring(4));
            assertEquals(i % 2, r.partition());
            assertEquals(nextOffset[r.partition()]++, r.offset(), "offsets are dense and ordered");
            assertEquals(lastIndex[r.partition()] + 2, i, "order within a partition");
            lastIndex[r.partition()] = i;
            assertEquals("value-" + i + "-" + "x".repeat(i % 50), r.value());
            assertEquals(baseTs + i, r.timestamp());
            assertArrayEquals(("hv" + i).getBytes(StandardCharsets.UTF_8), r.headers().lastHeader("h").value());
        }
    }

    @Test
    void waitingConsumerReceivesALaterRecordWithinMilliseconds(ChronikTestServer server) throws Exception {
        createTopic(server, "longpoll", 1, Map.of());
        var tp = new TopicPartition("longpoll", 0);
        var consumer = server.consumer(Map.of("fetch.max.wait.ms", 5_000));
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        assertTrue(consumer.poll(Duration.ofMillis(500)).isEmpty());
        var producer = server.producer(Map.of());
        producer.send(new ProducerRecord<>("longpoll", "warm", "up")).get();
        consumer.poll(Duration.ofSeconds(5));

        var received = CompletableFuture.supplyAsync(() -> {
            while (true) {
                for (var r : consumer.poll(Duration.ofSeconds(10))) {
                    return System.nanoTime();
                }
            }
        });
        Thread.sleep(1_000); // the consumer is now parked in a long-polling fetch
        long sent = System.nanoTime();
        producer.send(new ProducerRecord<>("longpoll", "k", "late")).get();
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(received.get(10, TimeUnit.SECONDS) - sent);
        System.out.println("long-poll delivery latency: " + latencyMs + " ms");
        assertTrue(latencyMs < 1_000, "delivered after " + latencyMs + " ms, not at the end of fetch.max.wait.ms");
    }
}
