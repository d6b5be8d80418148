package io.chronik.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.config.HostPort;
import io.chronik.config.ServerConfig;
import io.chronik.testing.ChronikTestServer;
import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChronikServerTest {

    @TempDir
    Path dir;

    @Test
    void advertisesTheBoundPortWhenConfiguredWithPortZero() throws Exception {
        try (ChronikTestServer server = ChronikTestServer.start(dir)) {
            DescribeClusterResult cluster = server.admin().describeCluster();
            Node node = cluster.nodes().get().iterator().next();
            assertEquals(new Node(1, "127.0.0.1", server.port()), node);
            assertEquals(1, cluster.controller().get().id());
            assertEquals(22, cluster.clusterId().get().length());
        }
    }

    @Test
    void keepsTopicsAndClusterIdAcrossRestarts() throws Exception {
        try (ChronikTestServer server = ChronikTestServer.start(dir)) {
            Admin admin = server.admin();
            admin.createTopics(Set.of(new org.apache.kafka.clients.admin.NewTopic("kept", 3, (short) 1))).all().get();
            var idBefore = admin.describeTopics(Set.of("kept")).allTopicNames().get().get("kept").topicId();
            String clusterBefore = admin.describeCluster().clusterId().get();
            server.restart();
            Admin fresh = server.admin();
            var after = fresh.describeTopics(Set.of("kept")).allTopicNames().get().get("kept");
            assertEquals(idBefore, after.topicId());
            assertEquals(3, after.partitions().size());
            assertEquals(clusterBefore, fresh.describeCluster().clusterId().get());
        }
    }

    @Test
    void refusesASecondServerOnTheSameDataDirectory() throws Exception {
        try (ChronikTestServer server = ChronikTestServer.start(dir)) {
            IOException e = assertThrows(IOException.class,
                    () -> ChronikServer.start(ServerConfig.standalone(dir, new HostPort("127.0.0.1", 0))));
            assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("in use"), e.getMessage());
            assertTrue(server.isRunning());
        }
    }

    @Test
    void reportsATakenPortNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            HostPort bind = new HostPort("127.0.0.1", taken.getLocalPort());
            BindException e = assertThrows(BindException.class,
                    () -> ChronikServer.start(ServerConfig.standalone(dir, bind)));
            assertTrue(e.getMessage().startsWith("Kafka listener cannot bind " + bind + ": "), e.getMessage());
        }
        // the failed start released the data directory
        try (ChronikTestServer server = ChronikTestServer.start(dir)) {
            assertTrue(server.isRunning());
        }
    }

    @Test
    void closeIsIdempotent() throws Exception {
        ChronikServer server = ChronikServer.start(ServerConfig.standalone(dir, new HostPort("127.0.0.1", 0)));
        server.close();
        server.close();
        server.awaitShutdown();
        assertEquals(Map.of(), Map.of());
    }
}
