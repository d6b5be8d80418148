package io.chronik.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.testing.ChronikTestCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication across three real node processes ({@link ChronikTestCluster}) with the real Java producer (acks=all,
 * idempotent) and consumer, under {@code kill -9} of a leader, of a follower and of each node in turn while
 * producing. Afterwards every acknowledged record is present exactly once, at its acknowledged offset, in send
 * order, and every replica's log is byte-identical (compared on disk, segment files concatenated, once the ISR is
 * full again and the HW has reached the log end). One cluster serves all scenarios; each uses its own topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationClusterTest {

    private Path dir;

    private ChronikTestCluster cluster;
    private Admin admin;

    @BeforeAll
    void startCluster(@TempDir Path tmp) throws IOException {
        dir = tmp;
        cluster = ChronikTestCluster.start(dir, 3, ChronikTestCluster.RaftOptions.FAST,
                "replica_lag_time_max_ms = 2000");
        cluster.awaitLeader(Duration.ofSeconds(30));
        admin = cluster.admin(1);
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private String bootstrap() {
        return cluster.nodeIds().stream().map(id -> cluster.node(id).bootstrap()).collect(Collectors.joining(","));
    }

    private void createTopic(String topic, int partitions, Map<String, String> configs) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 3).configs(configs))).all()
                .get(30, TimeUnit.SECONDS);
        awaitFullIsr(topic);
    }

    private TopicDescription describe(String topic) throws Exception {
        try (Admin a = adminOfRunningNode()) {
            return a.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
        }
    }

    private Admin adminOfRunningNode() {
        Properties p = new Properties();
        p.put("bootstrap.servers", cluster.runningNodeIds().stream().map(id -> cluster.node(id).bootstrap())
                .collect(Collectors.joining(",")));
        p.put("default.api.timeout.ms", 10_000);
        p.put("request.timeout.ms", 5_000);
        return Admin.create(p);
    }

    private void awaitFullIsr(String topic) {
        await("full ISR of " + topic).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .ignoreExceptions().until(() -> describe(topic).partitions().stream()
                        .allMatch(p -> p.leader() != null && p.isr().size() == 3));
    }

    private int leaderOf(String topic, int partition) throws Exception {
        Node leader = describe(topic).partitions().get(partition).leader();
        return leader == null ? -1 : leader.id();
    }

    /** An acknowledged record: where the broker said it was stored. */
    private record Acked(int partition, long offset, String value) {}

    /** Idempotent acks=all producer sending "seq" values round-robin over partitions until stopped. */
    private final class Load implements AutoCloseable {
        final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicBoolean running = new AtomicBoolean(true);
        final KafkaProducer<String, String> producer;
        final Thread thread;

        Load(String topic, int partitions) {
            this(topic, partitions, 0);
        }

        /** @param padding extra bytes appended to every value */
        Load(String topic, int partitions, int padding) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
            p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
            p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100);
            p.put("metadata.max.age.ms", 2_000);
            producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
            Semaphore inFlight = new Semaphore(2_000);
            thread = Thread.ofPlatform().name("load-" + topic).start(() -> {
                for (int seq = 0; running.get(); seq++) {
                    int partition = seq % partitions;
                    String value = String.format("%09d", seq) + "x".repeat(padding);
                    inFlight.acquireUninterruptibly();
                    producer.send(new ProducerRecord<>(topic, partition, null, value), (md, e) -> {
                        inFlight.release();
                        if (e == null) {
                            acked.add(new Acked(md.partition(), md.offset(), value));
                        } else {
                            failed.incrementAndGet();
                        }
                    });
                }
            });
        }

        void awaitAcked(int count) {
            await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= count);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
            producer.flush();
            producer.close(Duration.ofSeconds(30));
        }
    }

    /** Reads a partition from its start to its end offset (the HW) through the current leader. */
    private List<ConsumerRecord<String, String>> readAll(String topic, int partition) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            var tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.position(tp, Duration.ofSeconds(30)) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).records(tp).forEach(records::add);
            }
            return records;
        }
    }

    /** A replica's log as the concatenation of its segment files, read from the node's data dir. */
    private byte[] replicaBytes(int node, String topic, int partition) throws IOException {
        Path logDir = dir.resolve("node" + node + "-data").resolve("logs").resolve(topic + "-" + partition);
        var out = new ByteArrayOutputStream();
        try (var files = Files.list(logDir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
                out.write(Files.readAllBytes(f));
            }
        }
        return out.toByteArray();
    }

    private void verify(String topic, int partitions, Load load) throws Exception {
        awaitFullIsr(topic);
        List<Acked> acked = new ArrayList<>(load.acked);
        assertTrue(acked.size() > 100, "too few records acknowledged: " + acked.size());
        Map<Integer, Map<Long, String>> ackedByPartition = new HashMap<>();
        for (Acked a : acked) {
            ackedByPartition.computeIfAbsent(a.partition(), k -> new HashMap<>()).put(a.offset(), a.value());
        }
        for (int p = 0; p < partitions; p++) {
            List<ConsumerRecord<String, String>> records = readAll(topic, p);
            Set<String> seen = new HashSet<>();
            String previous = "";
            for (int i = 0; i < records.size(); i++) {
                var r = records.get(i);
                assertEquals(i, r.offset(), "offsets of " + topic + "-" + p + " are dense");
                assertTrue(seen.add(r.value()), "duplicate " + r.value() + " in " + topic + "-" + p);
                assertTrue(r.value().compareTo(previous) > 0, "out of order " + r.value() + " in " + topic + "-" + p);
                previous = r.value();
            }
            for (var e : ackedByPartition.getOrDefault(p, Map.of()).entrySet()) {
                long offset = e.getKey();
                assertTrue(offset < records.size(), "acknowledged offset " + offset + " of " + topic + "-" + p
                        + " is missing (partition has " + records.size() + ")");
                assertEquals(e.getValue(), records.get((int) offset).value(), "acknowledged record at " + offset);
            }
            int partition = p;
            await("replicas of " + topic + "-" + p + " identical").atMost(Duration.ofSeconds(30))
                    .ignoreExceptions().until(() -> {
                        byte[] first = replicaBytes(1, topic, partition);
                        return java.util.Arrays.equals(first, replicaBytes(2, topic, partition))
                                && java.util.Arrays.equals(first, replicaBytes(3, topic, partition));
                    });
            byte[] leaderBytes = replicaBytes(leaderOf(topic, p), topic, p);
            for (int n = 1; n <= 3; n++) {
                assertArrayEquals(leaderBytes, replicaBytes(n, topic, p), "replica of node " + n);
            }
        }
    }

    private void killAndRestart(Load load, int node, long downMs) throws Exception {
        int before = load.acked.size();
        cluster.kill(node);
        Thread.sleep(downMs);
        cluster.startNode(node);
        load.awaitAcked(before + 500);
    }

    @Test
    void acknowledgedRecordsSurviveKillingTheLeaderAtDifferentTimings() throws Exception {
        for (long[] timing : new long[][] {{200, 1500}, {1500, 4000}}) {
            String topic = "kill-leader-" + timing[0];
            createTopic(topic, 3, Map.of());
            int leader = leaderOf(topic, 0);
            Load load = new Load(topic, 3);
            try (load) {
                load.awaitAcked(200);
                Thread.sleep(timing[0]);
                long killed = System.nanoTime();
                cluster.kill(leader);
                await("new leader of " + topic + "-0").atMost(Duration.ofSeconds(20)).ignoreExceptions()
                        .until(() -> leaderOf(topic, 0) != leader && leaderOf(topic, 0) != -1);
                System.out.printf("failover of %s-0 from node %d: %d ms%n", topic, leader,
                        (System.nanoTime() - killed) / 1_000_000);
                Thread.sleep(timing[1]);
                cluster.startNode(leader);
                load.awaitAcked(load.acked.size() + 500);
            }
            verify(topic, 3, load);
        }
    }

    @Test
    void acknowledgedRecordsSurviveKillingAFollowerThatThenCatchesUpAcrossSegmentsAndRejoinsTheIsr()
            throws Exception {
        String topic = "kill-follower";
        createTopic(topic, 1, Map.of("segment.bytes", "1048576"));
        int leader = leaderOf(topic, 0);
        int follower = leader % 3 + 1;
        Load load = new Load(topic, 1, 1000);
        try (load) {
            load.awaitAcked(200);
            cluster.kill(follower);
            await("ISR without node " + follower).atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> describe(topic).partitions().get(0).isr().stream().noneMatch(n -> n.id() == follower));
            int before = load.acked.size();
            load.awaitAcked(before + 8_000); // 8 MB: many 1 MiB segments while the follower is down
            cluster.startNode(follower);
            load.awaitAcked(load.acked.size() + 500);
        }
        verify(topic, 1, load);
        try (var files = Files.list(dir.resolve("node" + follower + "-data/logs/" + topic + "-0"))) {
            assertTrue(files.filter(f -> f.toString().endsWith(".log")).count() > 5, "caught up over many segments");
        }
    }

    @Test
    void acknowledgedRecordsSurviveKillingEachNodeInTurn() throws Exception {
        String topic = "kill-each";
        createTopic(topic, 3, Map.of());
        Load load = new Load(topic, 3);
        try (load) {
            load.awaitAcked(200);
            for (int node = 1; node <= 3; node++) {
                killAndRestart(load, node, 700L * node);
                awaitFullIsr(topic);
            }
        }
        verify(topic, 3, load);
    }

    @Test
    void produceFailsWithNotEnoughReplicasWhenTwoOfThreeNodesAreDownAndSucceedsWhenOneReturns() throws Exception {
        String topic = "min-isr";
        createTopic(topic, 1, Map.of("min.insync.replicas", "2"));
        int leader = leaderOf(topic, 0);
        List<Integer> others = cluster.nodeIds().stream().filter(n -> n != leader).toList();
        String refused;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.node(leader).bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        p.put(ProducerConfig.RETRIES_CONFIG, 0);
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, null, "before")).get(20, TimeUnit.SECONDS);
            cluster.kill(others.get(0));
            cluster.kill(others.get(1));
            // Attempts before the leader sees the followers gone are appended and time out (not acknowledged);
            // then the leader refuses before appending.
            AtomicInteger attempt = new AtomicInteger();
            await("NOT_ENOUGH_REPLICAS").atMost(Duration.ofSeconds(30)).until(() -> {
                try {
                    producer.send(new ProducerRecord<>(topic, 0, null, "attempt-" + attempt.incrementAndGet()))
                            .get(20, TimeUnit.SECONDS);
                    return false;
                } catch (ExecutionException e) {
                    return e.getCause() instanceof NotEnoughReplicasException;
                }
            });
            refused = "attempt-" + attempt.get();
            cluster.startNode(others.get(0));
            await("produce works again").atMost(Duration.ofSeconds(60)).until(() -> {
                try {
                    producer.send(new ProducerRecord<>(topic, 0, null, "after")).get(20, TimeUnit.SECONDS);
                    return true;
                } catch (ExecutionException e) {
                    return false;
                }
            });
        }
        cluster.startNode(others.get(1));
        awaitFullIsr(topic);
        List<String> values = readAll(topic, 0).stream().map(ConsumerRecord::value).toList();
        assertEquals("before", values.get(0));
        assertTrue(values.contains("after"));
        assertTrue(!values.contains(refused), "the refused batch was stored: " + values);
    }
}
