package io.chronik.metadata.raft.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.util.IOUtils;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The calling end of the transport against scripted peers on 127.0.0.1. */
class PeerConnectionTest {

    private final TransportSettings settings = TransportSettings.of(new RaftProperties());
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private PeerConnection connect(int port) {
        var connection = new PeerConnection("test->peer", "127.0.0.1:" + port, settings, new ConnectBackoff(1000));
        open.add(connection);
        return connection;
    }

    private ServerSocket listen() throws IOException {
        var server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        open.add(server);
        return server;
    }

    private static Throwable failureOf(CompletableFuture<byte[]> call) {
        var e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void callToADownPeerFailsWithAnErrorThatMakesRatisReconnect() throws IOException {
        int port;
        try (var s = listen()) {
            port = s.getLocalPort();
        }
        Throwable failure = failureOf(connect(port).call(RpcKind.REQUEST_VOTE, new byte[] {1}));
        assertInstanceOf(ConnectException.class, failure);
        assertTrue(IOUtils.shouldReconnect(failure));
    }

    @Test
    void repliesAreMatchedToCallsByCallIdInAnyOrder() throws Exception {
        ServerSocket server = listen();
        Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                var in = new BufferedInputStream(s.getInputStream());
                Frame.readMagic(in);
                Frame first = Frame.readFrom(in, 1 << 20);
                Frame second = Frame.readFrom(in, 1 << 20);
                OutputStream out = s.getOutputStream();
                new Frame(Frame.OK, second.callId(), second.payload()).writeTo(out);
                new Frame(Frame.OK, first.callId(), first.payload()).writeTo(out);
                out.flush();
                in.read();
            } catch (IOException ignored) {
                // test peer gone
            }
        });
        PeerConnection connection = connect(server.getLocalPort());
        var a = connection.call(RpcKind.APPEND_ENTRIES, new byte[] {10});
        var b = connection.call(RpcKind.APPEND_ENTRIES, new byte[] {20});
        assertArrayEquals(new byte[] {10}, a.get(10, TimeUnit.SECONDS));
        assertArrayEquals(new byte[] {20}, b.get(10, TimeUnit.SECONDS));
    }

    @Test
    void serverExceptionArrivesWithItsRatisType() throws Exception {
        ServerSocket server = listen();
        Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                var in = new BufferedInputStream(s.getInputStream());
                Frame.readMagic(in);
                Frame request = Frame.readFrom(in, 1 << 20);
                OutputStream out = s.getOutputStream();
                new Frame(Frame.ERROR, request.callId(),
                        ExceptionCodec.encode(new ServerNotReadyException("n2 is starting"))).writeTo(out);
                out.flush();
                in.read();
            } catch (IOException ignored) {
                // test peer gone
            }
        });
        Throwable failure = failureOf(connect(server.getLocalPort()).call(RpcKind.CLIENT_REQUEST, new byte[0]));
        assertInstanceOf(ServerNotReadyException.class, failure);
        assertEquals("n2 is starting", failure.getMessage());
    }

    @Test
    void unansweredCallTimesOutAndPeerClosingFailsTheRest() throws Exception {
        ServerSocket server = listen();
        CompletableFuture<Socket> accepted = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                accepted.complete(server.accept());
            } catch (IOException e) {
                accepted.completeExceptionally(e);
            }
        });
        PeerConnection connection = connect(server.getLocalPort());
        var timedOut = connection.call(RpcKind.REQUEST_VOTE, new byte[0], TimeDuration.valueOf(200,
                TimeUnit.MILLISECONDS));
        assertInstanceOf(TimeoutIOException.class, failureOf(timedOut));
        var pending = connection.call(RpcKind.REQUEST_VOTE, new byte[0]);
        accepted.get(10, TimeUnit.SECONDS).close();
        Throwable failure = failureOf(pending);
        assertTrue(IOUtils.shouldReconnect(failure), failure.toString());
        assertTrue(IOUtils.shouldReconnect(failureOf(connection.call(RpcKind.REQUEST_VOTE, new byte[0]))));
    }

    @Test
    void exceptionsOfClassesOutsideJavaAndRatisAreNotDeserialized() {
        IOException decoded = ExceptionCodec.decode(ExceptionCodec.encode(new ForeignException()));
        assertTrue(decoded.getMessage().startsWith("Raft peer sent an unreadable error"), decoded.getMessage());
    }

    static final class ForeignException extends IOException implements Serializable {
    }

    @Test
    void backoffDoublesUpToItsLimitAndResetsOnSuccess() throws InterruptedException {
        var backoff = new ConnectBackoff(200);
        assertTrue(backoff.failed(), "first failure is reported");
        backoff.failed();
        backoff.failed();
        backoff.failed();
        long start = System.nanoTime();
        backoff.awaitTurn();
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMs >= 150 && waitedMs < 1000, "waited " + waitedMs + " ms");
        assertTrue(backoff.succeeded(), "success after failures is reported");
        start = System.nanoTime();
        backoff.awaitTurn();
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 50);
    }
}
