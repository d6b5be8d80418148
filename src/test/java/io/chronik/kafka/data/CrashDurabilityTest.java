package io.chronik.kafka.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Kills a real server process (SIGKILL) while idempotent acks=all producers write to it from several threads, starts
 * it again on the same data directory and port (the producers keep running and retry into the new process), then
 * reads everything back: every acknowledged record is there exactly once, at the offset it was acknowledged with,
 * and each producer's records are in order within each partition. Unacknowledged records may or may not be there,
 * but never twice.
 */
class CrashDurabilityTest {

    private static final String TOPIC = "crash";
    private static final int PARTITIONS = 3;
    private static final int PRODUCERS = 4;

    private record Acked(int partition, long offset, String value) {}

    @ParameterizedTest(name = "kill {0} ms after the first acknowledgement, journal_bytes {1}")
    @CsvSource({"20, 0", "700, 0", "2000, 0", "700, 268435456"})
    void everyAcknowledgedRecordSurvivesAKillExactlyOnceAndInOrder(int killAfterMs, long journalBytes,
            @TempDir Path dir) throws Exception {
        int port = freePort();
        Files.writeString(dir.resolve("chronik.toml"), "[log]\njournal_bytes = " + journalBytes + "\n");
        Process server = startServer(dir, port, "first");
        Queue<Acked> acked = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> producers = new ArrayList<>();
        try {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + port))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            for (int t = 0; t < PRODUCERS; t++) {
                int thread = t;
                producers.add(Thread.ofPlatform().name("crash-producer-" + t)
                        .start(() -> produceUntilStopped(port, thread, stop, acked)));
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (acked.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(killAfterMs);
            int ackedBeforeKill = acked.size();
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
            server = startServer(dir, port, "second");
            assertEquals(journalBytes > 0, Files.exists(dir.resolve("data").resolve("journal").resolve("journal.log")),
                    "the journal is used exactly when configured");
            Thread.sleep(1_500); // producers retry into the new process and go on
            stop.set(true);
            for (Thread p : producers) {
                p.join(90_000);
            }
            System.out.printf("kill %d ms after the first ack: %d acknowledged before the kill, %d in total%n", killAfterMs,
                    ackedBeforeKill, acked.size());
            assertTrue(ackedBeforeKill > 0, "nothing was acknowledged before the kill");
            verify(port, acked);
        } finally {
            stop.set(true);
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void produceUntilStopped(int port, int thread, AtomicBoolean stop, Queue<Acked> acked) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        try (var producer = new KafkaProducer<String, String>(config)) {
            for (long seq = 0; !stop.get(); seq++) {
                int partition = (int) (seq % PARTITIONS);
                String value = thread + "-" + seq;
                producer.send(new ProducerRecord<>(TOPIC, partition, null, value), (md, e) -> {
                    if (e == null) {
                        acked.add(new Acked(md.partition(), md.offset(), value));
                    }
                });
                if (seq % 50 == 49) {
                    Thread.sleep(1); // keep the stream going without flooding the accumulator
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void verify(int port, Queue<Acked> acked) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(TOPIC, p));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + port))) {
            for (TopicPartition tp : partitions) {
                ends.put(tp, admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                        .get(30, TimeUnit.SECONDS).offset());
            }
        }
        Map<String, List<ConsumerRecord<String, String>>> byValue = new HashMap<>();
        Map<Integer, List<ConsumerRecord<String, String>>> byPartition = new HashMap<>();
        try (var consumer = new KafkaConsumer<String, String>(config)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long total = ends.values().stream().mapToLong(Long::longValue).sum();
            long read = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (read < total && System.currentTimeMillis() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    byValue.computeIfAbsent(r.value(), v -> new ArrayList<>()).add(r);
                    byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
                    read++;
                }
            }
            assertEquals(total, read, "read everything up to the high watermarks " + ends);
        }
        byValue.forEach((value, copies) -> assertEquals(1, copies.size(), value + " stored " + copies.size()
                + " times at " + copies.stream().map(ConsumerRecord::offset).toList()));
        for (Acked a : acked) {
            var copies = byValue.get(a.value());
            if (copies == null) {
                fail("acknowledged record " + a + " is missing after the crash");
            }
            assertEquals(a.partition(), copies.get(0).partition(), a.toString());
            assertEquals(a.offset(), copies.get(0).offset(), a.toString());
        }
        byPartition.forEach((partition, records) -> {
            Map<String, Long> lastSeqOfThread = new HashMap<>();
            long expectedOffset = records.get(0).offset();
            for (var r : records) {
                assertEquals(expectedOffset++, r.offset(), "dense offsets in partition " + partition);
                String[] parts = r.value().split("-");
                long seq = Long.parseLong(parts[1]);
                Long previous = lastSeqOfThread.put(parts[0], seq);
                assertTrue(previous == null || previous < seq, "producer " + parts[0] + " out of order in partition "
                        + partition + ": " + previous + " then " + seq);
            }
        });
    }

    private static Process startServer(Path dir, int port, String name) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path data = dir.resolve("data");
        var builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.chronik.cli.ChronikServerCli", "start", "--bind", "127.0.0.1:" + port, "-d", data.toString(),
                "-l", "warn", "--config", dir.resolve("chronik.toml").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server-" + name + ".out").toFile());
        builder.environment().put("CHRONIK_ADMIN_BIND", "127.0.0.1:0"); // not the shared default port 10001
        Process process = builder.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                fail("server exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("server-" + name + ".out")));
            }
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return process;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IOException("server did not listen on " + port + " within 60 s");
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
