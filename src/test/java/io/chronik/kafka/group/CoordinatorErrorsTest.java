package io.chronik.kafka.group;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.testing.ChronikTestServer;
import io.chronik.testing.RawKafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.GroupProtocol;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's answers to requests real clients only send when something went wrong, with exact codes. */
class CoordinatorErrorsTest {

    @TempDir
    Path dir;

    private int correlation;

    @Test
    void rejectsStaleGenerationUnknownMemberAndFencedStaticMember() throws Exception {
        try (var server = GroupTestSupport.start(dir);
             var conn = new RawKafkaConnection("127.0.0.1", server.port(), Duration.ofSeconds(20))) {
            GroupTestSupport.createTopic(server, "t", 1);
            awaitCoordinator(conn, "g");
            JoinGroupResponseData joined = send(conn, ApiKeys.JOIN_GROUP, 9, join("s1", ""));
            assertEquals(Errors.NONE.code(), joined.errorCode());
            assertEquals(1, joined.generationId());
            assertEquals(joined.memberId(), joined.leader());
            String m1 = joined.memberId();
            SyncGroupResponseData synced = send(conn, ApiKeys.SYNC_GROUP, 5, new SyncGroupRequestData().setGroupId("g")
                    .setMemberId(m1).setGroupInstanceId("s1").setGenerationId(1).setProtocolType("consumer")
                    .setProtocolName("range"));
            assertEquals(Errors.NONE.code(), synced.errorCode());

            assertEquals(Errors.ILLEGAL_GENERATION, heartbeat(conn, m1, "s1", 0));
            assertEquals(Errors.UNKNOWN_MEMBER_ID, heartbeat(conn, "nobody", null, 1));
            assertEquals(Errors.NONE, heartbeat(conn, m1, "s1", 1));
            OffsetCommitResponseData stale = send(conn, ApiKeys.OFFSET_COMMIT, 8, commit(m1, "s1", 7));
            assertEquals(Errors.ILLEGAL_GENERATION.code(), stale.topics().get(0).partitions().get(0).errorCode());
            OffsetCommitResponseData simple = send(conn, ApiKeys.OFFSET_COMMIT, 8, commit("", null, -1));
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), simple.topics().get(0).partitions().get(0).errorCode(),
                    "a simple commit to a group with members");

            // The same instance id joins again (a restart): it replaces m1, which is fenced from now on.
            JoinGroupResponseData rejoined = send(conn, ApiKeys.JOIN_GROUP, 9, join("s1", ""));
            assertEquals(Errors.NONE.code(), rejoined.errorCode());
            assertNotEquals(m1, rejoined.memberId());
            assertEquals(1, rejoined.generationId(), "no rebalance for an unchanged static member");
            assertTrue(rejoined.skipAssignment());
            assertEquals(Errors.FENCED_INSTANCE_ID, heartbeat(conn, m1, "s1", 1));
            OffsetCommitResponseData fenced = send(conn, ApiKeys.OFFSET_COMMIT, 8, commit(m1, "s1", 1));
            assertEquals(Errors.FENCED_INSTANCE_ID.code(), fenced.topics().get(0).partitions().get(0).errorCode());
            assertEquals(Errors.NONE, heartbeat(conn, rejoined.memberId(), "s1", 1));
        }
    }

    @Test
    void dynamicMembersGetTheirIdThroughMemberIdRequired() throws Exception {
        try (var server = GroupTestSupport.start(dir);
             var conn = new RawKafkaConnection("127.0.0.1", server.port(), Duration.ofSeconds(20))) {
            awaitCoordinator(conn, "g");
            JoinGroupResponseData first = send(conn, ApiKeys.JOIN_GROUP, 9, join(null, ""));
            assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
            assertTrue(first.memberId().startsWith("raw-"), first.memberId());
            JoinGroupResponseData second = send(conn, ApiKeys.JOIN_GROUP, 9, join(null, first.memberId()));
            assertEquals(Errors.NONE.code(), second.errorCode());
            assertEquals(first.memberId(), second.memberId());
            var other = new JoinGroupRequestData().setGroupId("g").setMemberId("").setSessionTimeoutMs(10_000)
                    .setRebalanceTimeoutMs(10_000).setProtocolType("connect");
            other.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("x")
                    .setMetadata(new byte[0]));
            JoinGroupResponseData inconsistent = send(conn, ApiKeys.JOIN_GROUP, 9, other);
            assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), inconsistent.errorCode());
        }
    }

    @Test
    void transactionCoordinatorLookupsFailWithAClearNonRetriableError() throws Exception {
        try (var server = GroupTestSupport.start(dir);
             var conn = new RawKafkaConnection("127.0.0.1", server.port(), Duration.ofSeconds(20))) {
            FindCoordinatorResponseData r = send(conn, ApiKeys.FIND_COORDINATOR, 6, new FindCoordinatorRequestData()
                    .setKeyType((byte) 1).setCoordinatorKeys(List.of("txn-1")));
            assertEquals(Errors.INVALID_REQUEST.code(), r.coordinators().get(0).errorCode());
            assertEquals(FindCoordinatorHandler.NO_TRANSACTIONS, r.coordinators().get(0).errorMessage());
            assertEquals(server.port(), awaitCoordinator(conn, "some-group").port());
        }
    }

    @Test
    void consumerGroupProtocolIsRefusedAtOnce() throws Exception {
        try (ChronikTestServer server = GroupTestSupport.start(dir)) {
            GroupTestSupport.createTopic(server, "t848", 1);
            var consumer = server.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "g848",
                    ConsumerConfig.GROUP_PROTOCOL_CONFIG, GroupProtocol.CONSUMER.name()));
            consumer.subscribe(List.of("t848"));
            long start = System.nanoTime();
            assertThrows(UnsupportedVersionException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    consumer.poll(Duration.ofMillis(100));
                }
            });
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
        }
    }

    private static JoinGroupRequestData join(String instanceId, String memberId) {
        var r = new JoinGroupRequestData().setGroupId("g").setMemberId(memberId).setGroupInstanceId(instanceId)
                .setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000).setProtocolType("consumer");
        r.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range")
                .setMetadata(new byte[] {0, 1}));
        return r;
    }

    private static OffsetCommitRequestData commit(String memberId, String instanceId, int generation) {
        var r = new OffsetCommitRequestData().setGroupId("g").setMemberId(memberId).setGroupInstanceId(instanceId)
                .setGenerationIdOrMemberEpoch(generation);
        var topic = new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("t");
        topic.partitions().add(new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0)
                .setCommittedOffset(5));
        r.topics().add(topic);
        return r;
    }

    private Errors heartbeat(RawKafkaConnection conn, String memberId, String instanceId, int generation)
            throws Exception {
        HeartbeatResponseData r = send(conn, ApiKeys.HEARTBEAT, 4, new HeartbeatRequestData().setGroupId("g")
                .setMemberId(memberId).setGroupInstanceId(instanceId).setGenerationId(generation));
        return Errors.forCode(r.errorCode());
    }

    /**
     * Looks the group's coordinator up as clients do before any group request: the first lookup creates
     * __consumer_offsets and answers COORDINATOR_NOT_AVAILABLE until the partition is loaded.
     */
    private FindCoordinatorResponseData awaitCoordinator(RawKafkaConnection conn, String group) {
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> this.<FindCoordinatorResponseData>send(conn, ApiKeys.FIND_COORDINATOR, 3,
                        new FindCoordinatorRequestData().setKeyType((byte) 0).setKey(group)),
                r -> r.errorCode() == Errors.NONE.code());
    }

    @SuppressWarnings("unchecked")
    private <T extends ApiMessage> T send(RawKafkaConnection conn, ApiKeys api, int version, ApiMessage body)
            throws Exception {
        conn.send(api, (short) version, ++correlation, body);
        return (T) conn.receive(api, (short) version).body();
    }
}
