package io.chronik.kafka.group;

import static io.chronik.kafka.group.GroupTestSupport.POLL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.testing.ChronikTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsumerGroupTest {

    @TempDir
    Path dir;

    @Test
    void membersShareTheTopicsPartitionsAndCommit() throws Exception {
        try (var server = GroupTestSupport.start(dir)) {
            GroupTestSupport.createTopic(server, "shared", 6);
            GroupTestSupport.produce(server, "shared", 300);
            List<KafkaConsumer<String, String>> members = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                var c = GroupTestSupport.member(server, "g1", Map.of());
                c.subscribe(List.of("shared"));
                members.add(c);
            }
            Set<String> seen = new HashSet<>();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (var c : members) {
                    c.poll(POLL).forEach(r -> seen.add(r.value()));
                }
                return seen.size() == 300 && members.stream().allMatch(c -> c.assignment().size() == 2);
            });
            Set<TopicPartition> all = new HashSet<>();
            for (var c : members) {
                for (TopicPartition tp : c.assignment()) {
                    assertTrue(all.add(tp), tp + " assigned twice");
                }
                c.commitSync();
            }
            assertEquals(6, all.size());
            var offsets = server.admin().listConsumerGroupOffsets("g1").partitionsToOffsetAndMetadata().get();
            assertEquals(6, offsets.size());
            assertEquals(300, offsets.values().stream().mapToLong(o -> o.offset()).sum());
        }
    }
}
