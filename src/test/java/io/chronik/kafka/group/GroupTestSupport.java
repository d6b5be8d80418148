package io.chronik.kafka.group;

import io.chronik.config.ServerConfig.GroupSettings;
import io.chronik.testing.ChronikTestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Servers with fast group timings, and the client settings that go with them. */
final class GroupTestSupport {

    /** 4 offsets partitions, 100 ms initial rebalance delay, sessions from 500 ms. */
    static final GroupSettings FAST = new GroupSettings(4, 100, 500, 60_000, 1000, 7L * 24 * 3600 * 1000, 600_000,
            4096, 5000);

    private GroupTestSupport() {
    }

    static ChronikTestServer start(Path dir) throws IOException {
        return ChronikTestServer.start(dir, c -> c.withGroups(FAST));
    }

    static void createTopic(ChronikTestServer server, String topic, int partitions)
            throws ExecutionException, InterruptedException {
        server.admin().createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }

    static void produce(ChronikTestServer server, String topic, int count) throws Exception {
        var producer = server.producer(Map.of());
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
        }
        producer.flush();
    }

    /** A group member with short session and heartbeat intervals. */
    static KafkaConsumer<String, String> member(ChronikTestServer server, String group, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 3000);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 300);
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 10_000);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.putAll(extra);
        return server.consumer(p);
    }

    static final Duration POLL = Duration.ofMillis(100);
}
