package io.chronik.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.testing.ChronikTestCluster;
import io.chronik.testing.ChronikTestCluster.RaftOptions;
import io.chronik.testing.RawKafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real node processes forming a cluster by Raft. One cluster serves every scenario, in order (each leaves all
 * three nodes running), because starting JVMs dominates the time. Snapshots are taken every 20 entries and log
 * segments are 8 KiB, so a node that is down while topics are created catches up by snapshot install.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RaftMetadataClusterTest {

    private static final Duration ELECTION = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private ChronikTestCluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        long start = System.nanoTime();
        cluster = ChronikTestCluster.start(dir, 3, RaftOptions.FAST.withSnapshots(20, 8192));
        int leader = cluster.awaitLeader(ELECTION);
        System.out.printf("cluster of 3 serving with leader %d after %d ms%n", leader,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void threeNodesElectOneLeaderAndListEveryBroker() throws Exception {
        int leader = cluster.awaitLeader(ELECTION);
        for (int id : cluster.nodeIds()) {
            Admin admin = cluster.admin(id);
            var description = admin.describeCluster();
            assertEquals(leader, description.controller().get().id(), "controller seen by node " + id);
            Collection<Node> brokers = description.nodes().get();
            assertEquals(Set.of(1, 2, 3), brokers.stream().map(Node::id).collect(Collectors.toSet()));
            for (Node broker : brokers) {
                assertEquals("127.0.0.1", broker.host());
                assertEquals(cluster.node(broker.id()).kafkaPort(), broker.port());
            }
            String clusterId = description.clusterId().get();
            assertEquals(22, clusterId.length(), "cluster id " + clusterId);
        }
        assertEquals(cluster.admin(1).describeCluster().clusterId().get(),
                cluster.admin(3).describeCluster().clusterId().get());
    }

    @Test
    @Order(2)
    void topicCreatedOnOneNodeAppearsOnAllWithReplicasSpreadByPartition() throws Exception {
        cluster.admin(2).createTopics(List.of(new NewTopic("orders", 3, (short) 3))).all().get();
        for (int id : cluster.nodeIds()) {
            TopicDescription orders = awaitTopic(cluster.admin(id), "orders");
            List<TopicPartitionInfo> partitions = orders.partitions();
            assertEquals(List.of(1, 2, 3), ids(partitions.get(0).replicas()));
            assertEquals(List.of(2, 3, 1), ids(partitions.get(1).replicas()));
            assertEquals(List.of(3, 1, 2), ids(partitions.get(2).replicas()));
            for (TopicPartitionInfo p : partitions) {
                assertEquals(p.replicas().get(0).id(), p.leader().id());
                assertEquals(ids(p.replicas()), ids(p.isr()));
            }
        }
        cluster.admin(3).deleteTopics(List.of("orders")).all().get();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> !cluster.admin(1).listTopics().names().get().contains("orders"));
    }

    @Test
    @Order(3)
    void killedLeaderIsReplacedAndRecoversItsMetadataOnRestart() throws Exception {
        cluster.admin(1).createTopics(List.of(new NewTopic("before-failover", 1, (short) 3))).all().get();
        int oldLeader = cluster.awaitLeader(ELECTION);
        long killedAt = System.nanoTime();
        cluster.kill(oldLeader);
        int newLeader = cluster.awaitLeader(ELECTION);
        System.out.printf("leader %d killed; %d elected and seen by both survivors after %d ms%n", oldLeader,
                newLeader, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
        assertNotEquals(oldLeader, newLeader);

        int survivor = cluster.runningNodeIds().get(0);
        cluster.admin(survivor).createTopics(List.of(new NewTopic("during-failover", 1, (short) 2))).all().get();
        Awaitility.await("dead broker fenced").atMost(Duration.ofSeconds(20)).until(
                () -> !brokerIds(cluster.admin(survivor)).contains(oldLeader));

        cluster.startNode(oldLeader);
        Admin restarted = cluster.admin(oldLeader);
        awaitTopic(restarted, "before-failover");
        awaitTopic(restarted, "during-failover");
        assertTrue(cluster.log(oldLeader).contains("recovered storage"), "restart used RECOVER");
        Awaitility.await("restarted broker live again").atMost(Duration.ofSeconds(20)).until(
                () -> brokerIds(cluster.admin(survivor)).contains(oldLeader));
        assertEquals(newLeader, cluster.awaitLeader(ELECTION));
    }

    @Test
    @Order(4)
    void nodeDownAcrossSnapshotsCatchesUpBySnapshotInstall() throws Exception {
        int leader = cluster.awaitLeader(ELECTION);
        int follower = cluster.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
        cluster.stop(follower);
        List<NewTopic> topics = IntStream.range(0, 60)
                .mapToObj(i -> new NewTopic("snap-" + i, 1, (short) 2)).toList();
        cluster.admin(leader).createTopics(topics).all().get();
        cluster.startNode(follower);
        Admin admin = cluster.admin(follower);
        Awaitility.await("all topics on the restarted node").atMost(Duration.ofSeconds(30)).until(
                () -> admin.listTopics().names().get().containsAll(names(topics)));
        assertTrue(cluster.log(follower).contains("Installed (from the leader) metadata snapshot"),
                cluster.log(follower));
    }

    @Test
    @Order(5)
    void withoutQuorumTheLastNodeSaysSoAndRecoversWhenAPeerReturns() throws Exception {
        int leader = cluster.awaitLeader(ELECTION);
        List<Integer> others = new ArrayList<>(cluster.nodeIds());
        others.remove(Integer.valueOf(leader));
        int last = others.remove(0);
        int other = others.get(0);
        cluster.kill(leader);
        cluster.kill(other);

        Awaitility.await("no controller").atMost(Duration.ofSeconds(20)).until(
                () -> cluster.controllerSeenBy(last) == -1);
        try (var raw = new RawKafkaConnection("127.0.0.1", cluster.node(last).kafkaPort(), Duration.ofSeconds(20))) {
            var request = new CreateTopicsRequestData().setTimeoutMs(10_000);
            request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("no-quorum")
                    .setNumPartitions(1).setReplicationFactor((short) 1));
            raw.send(ApiKeys.CREATE_TOPICS, (short) 7, 1, request);
            var response = (CreateTopicsResponseData) raw.receive(ApiKeys.CREATE_TOPICS, (short) 7).body();
            var result = response.topics().find("no-quorum");
            assertEquals(Errors.NOT_CONTROLLER.code(), result.errorCode(), result.errorMessage());
            assertTrue(Errors.forCode(result.errorCode()).exception() instanceof
                    org.apache.kafka.common.errors.RetriableException);
        }
        Awaitility.await("'waiting for quorum' logged").atMost(Duration.ofSeconds(20)).until(
                () -> cluster.log(last).contains("waiting for quorum"));

        long restartedAt = System.nanoTime();
        cluster.startNode(other);
        int newLeader = cluster.awaitLeader(ELECTION);
        System.out.printf("quorum back with leader %d %d ms after restarting node %d%n", newLeader,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt), other);
        cluster.admin(last).createTopics(List.of(new NewTopic("after-quorum", 1, (short) 2))).all().get();
        cluster.startNode(leader);
        awaitTopic(cluster.admin(leader), "after-quorum");
    }

    private static TopicDescription awaitTopic(Admin admin, String topic) {
        TopicDescription[] found = {null};
        Awaitility.await("topic " + topic).atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            found[0] = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return found[0] != null;
        });
        return found[0];
    }

    private static Set<Integer> brokerIds(Admin admin) throws Exception {
        return admin.describeCluster().nodes().get().stream().map(Node::id).collect(Collectors.toSet());
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    private static List<String> names(List<NewTopic> topics) {
        return topics.stream().map(NewTopic::name).toList();
    }
}
