package io.chronik.metadata.raft.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.apache.ratis.RaftTestUtil;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.Test;

/**
 * Three in-process Ratis servers over the transport: they elect a leader, replicate writes, elect another leader when
 * the first is killed, and take the old leader back after a restart from its storage (RECOVER). The full conformance
 * suites are {@code ChronikRpc*Test}.
 */
class ChronikRpcSmokeTest {

    @Test
    void threeServersElectReplicateFailOverAndRecover() throws Exception {
        var cluster = MiniRaftClusterWithChronikRpc.FACTORY.newCluster(3, new RaftProperties());
        try {
            cluster.start();
            RaftServer.Division leader = RaftTestUtil.waitForLeader(cluster);
            try (RaftClient client = cluster.createClient()) {
                for (int i = 0; i < 10; i++) {
                    RaftClientReply reply = client.io().send(new RaftTestUtil.SimpleMessage("m" + i));
                    assertTrue(reply.isSuccess());
                }
            }
            RaftPeerId first = leader.getId();
            cluster.killServer(first);
            RaftServer.Division second = RaftTestUtil.waitForLeader(cluster);
            assertNotEquals(first, second.getId());
            try (RaftClient client = cluster.createClient(second.getId())) {
                assertTrue(client.io().send(new RaftTestUtil.SimpleMessage("after failover")).isSuccess());
            }
            cluster.restartServer(first, false);
            long expected = second.getRaftLog().getLastCommittedIndex();
            RaftTestUtil.waitFor(() -> cluster.getDivision(first).getInfo().getLastAppliedIndex() >= expected,
                    100, 20_000);
            assertEquals(second.getId(), cluster.getDivision(first).getInfo().getLeaderId());
        } finally {
            cluster.shutdown();
        }
    }

    @Test
    void raftPortClosesConnectionsThatDoNotSpeakTheProtocol() throws Exception {
        var cluster = MiniRaftClusterWithChronikRpc.FACTORY.newCluster(1, new RaftProperties());
        try {
            cluster.start();
            RaftServer server = cluster.getServers().iterator().next();
            InetSocketAddress address = server.getServerRpc().getInetSocketAddress();
            try (var socket = new Socket("127.0.0.1", address.getPort())) {
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write("GET / HTTP/1.1\r\n\r\n".getBytes());
                out.flush();
                InputStream in = socket.getInputStream();
                assertEquals(-1, in.read(), "server closes the connection without answering");
            }
        } catch (IOException e) {
            // a reset is as good as a close
            assertTrue(e.getMessage().contains("reset"), e.toString());
        } finally {
            cluster.shutdown();
        }
    }
}
