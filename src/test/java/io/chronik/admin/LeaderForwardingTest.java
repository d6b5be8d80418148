package io.chronik.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.admin.AdminHttp.Answer;
import io.chronik.config.ClusterConfig;
import io.chronik.config.ClusterConfig.Peer;
import io.chronik.config.HostPort;
import io.chronik.metadata.MetadataImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two in-process admin servers of a three-node cluster, nodes 1 and 2, each with its own view of the Raft leader:
 * membership requests sent to a follower reach the leader and come back with the leader's answer.
 */
class LeaderForwardingTest {

    private static final String KEY = "shared-cluster-key-0123456789";
    private static final String ADD_NODE = "{\"node_id\":4,\"kafka_addr\":\"h4:9092\",\"wal_addr\":\"h4:9291\","
            + "\"raft_addr\":\"h4:5001\"}";

    /** Admin addresses by node id, filled as the servers bind their ephemeral ports. */
    private final Map<Integer, HostPort> addresses = new ConcurrentHashMap<>();
    private final Map<Integer, AdminServer> servers = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicReference<MetadataImage>> views = new ConcurrentHashMap<>();

    private static ClusterConfig cluster(int self) {
        return new ClusterConfig(self, List.of(1, 2, 3).stream().map(id -> new Peer(id,
                new HostPort("127.0.0.1", 9091 + id), new HostPort("127.0.0.1", 9290 + id),
                new HostPort("127.0.0.1", 5000 + id))).toList());
    }

    private static MetadataImage leaderIs(int leader) {
        return new MetadataImage("c", leader, Map.of(), Map.of(), 0);
    }

    private int start(int node, String key, int leader) throws IOException {
        var view = new AtomicReference<>(leaderIs(leader));
        views.put(node, view);
        AdminServer server = AdminServer.start(new HostPort("127.0.0.1", 0), AdminApiKey.of(key),
                ClusterMembers.of(cluster(node)), view::get, id -> Optional.ofNullable(addresses.get(id)));
        servers.put(node, server);
        addresses.put(node, new HostPort("127.0.0.1", server.port()));
        return server.port();
    }

    @AfterEach
    void stopAll() {
        servers.values().forEach(AdminServer::close);
    }

    @Test
    void followerForwardsAddNodeToTheLeaderAndReturnsItsAnswer() throws IOException {
        int follower = start(1, KEY, 2);
        start(2, KEY, 2);
        Answer answer = AdminHttp.post(follower, "/admin/add-node", KEY, ADD_NODE);
        assertEquals(501, answer.status());
        assertEquals("membership changes are not supported yet (add-node)", answer.error());
        assertEquals("2", answer.raw().headers().firstValue("X-Chronik-Node").orElseThrow(), "answered by the leader");
    }

    @Test
    void followerForwardsRemoveNodeWithItsForceFlag() throws IOException {
        int follower = start(1, KEY, 2);
        start(2, KEY, 2);
        Answer answer = AdminHttp.post(follower, "/admin/remove-node", KEY, "{\"node_id\":3,\"force\":true}");
        assertEquals(501, answer.status());
        assertEquals("membership changes are not supported yet (remove-node)", answer.error());
        assertEquals("2", answer.raw().headers().firstValue("X-Chronik-Node").orElseThrow());
    }

    @Test
    void statusIsAnsweredByTheReceivingNode() throws IOException {
        int follower = start(1, KEY, 2);
        start(2, KEY, 2);
        Answer answer = AdminHttp.get(follower, "/admin/status", KEY);
        assertEquals(200, answer.status());
        assertEquals(1, answer.json().get("node_id").asInt());
        assertEquals(2, answer.json().get("leader_id").asInt());
        assertEquals("1", answer.raw().headers().firstValue("X-Chronik-Node").orElseThrow());
    }

    @Test
    void badRequestIsRejectedByTheFollowerWithoutForwarding() throws IOException {
        int follower = start(1, KEY, 2); // node 2 is not running: a forward would fail with 503
        Answer answer = AdminHttp.post(follower, "/admin/add-node", KEY, "{\"node_id\":4}");
        assertEquals(400, answer.status());
        assertEquals("missing field 'kafka_addr'", answer.error());
    }

    @Test
    void unreachableLeaderIs503NamingIt() throws IOException {
        int follower = start(1, KEY, 2);
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        addresses.put(2, new HostPort("127.0.0.1", closedPort));
        Answer answer = AdminHttp.post(follower, "/admin/add-node", KEY, ADD_NODE);
        assertEquals(503, answer.status());
        assertEquals("cannot reach the Raft leader (node 2) at 127.0.0.1:" + closedPort + ": connection refused",
                answer.error());
    }

    @Test
    void leaderWithAnotherKeyIsExplained() throws IOException {
        int follower = start(1, KEY, 2);
        start(2, "another-nodes-own-key-987654", 2);
        Answer answer = AdminHttp.post(follower, "/admin/add-node", KEY, ADD_NODE);
        assertEquals(401, answer.status());
        assertTrue(answer.error().startsWith("the Raft leader (node 2) at 127.0.0.1:"), answer.error());
        assertTrue(answer.error().endsWith("rejected the forwarded X-API-Key; every node of a cluster needs the same "
                + "key (set the same CHRONIK_ADMIN_API_KEY on all of them, or on none to share the cluster's generated "
                + "key)"), answer.error());
    }

    @Test
    void forwardedRequestIsNeverForwardedAgain() throws IOException {
        // Stale views: node 1 thinks 2 leads, node 2 thinks 1 leads. The request must not bounce between them.
        int node1 = start(1, KEY, 2);
        start(2, KEY, 1);
        Answer answer = AdminHttp.post(node1, "/admin/add-node", KEY, ADD_NODE);
        assertEquals(503, answer.status());
        assertEquals("node 2 is not the Raft leader (it sees node 1), although node 1 forwarded to it; the leader is "
                + "changing, retry", answer.error());
    }

    @Test
    void leaderNotAmongThePeersIs503() throws IOException {
        int follower = start(1, KEY, 9);
        Answer answer = AdminHttp.post(follower, "/admin/add-node", KEY, ADD_NODE);
        assertEquals(503, answer.status());
        assertEquals("the Raft leader (node 9) is not among this node's [[peers]]; cannot forward to it",
                answer.error());
    }
}
