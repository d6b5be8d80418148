package io.chronik.kafka;

import io.chronik.config.HostPort;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka listener: a blocking server socket whose acceptor (a virtual thread) starts a {@link KafkaConnection}
 * per client. It is bound first ({@link #bind}), so the server knows its port before it registers itself, and
 * accepts once {@link #start}ed. {@link #close} stops accepting and closes every connection. Thread-safe.
 */
public final class KafkaListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaListener.class);

    private final ServerSocketChannel server;
    private final int maxRequestBytes;
    private final Set<KafkaConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile ApiRegistry registry;
    private volatile Thread acceptor;
    private volatile boolean closed;

    private KafkaListener(ServerSocketChannel server, int maxRequestBytes) {
        this.server = server;
        this.maxRequestBytes = maxRequestBytes;
    }

    /**
     * Binds {@code bind}; connections are accepted (and queue in the backlog until then) once {@link #start} is called.
     *
     * @throws BindException "Kafka listener cannot bind host:port: reason" when the address cannot be bound
     */
    public static KafkaListener bind(HostPort bind, int maxRequestBytes) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(bind.host(), bind.port()), 1024);
        } catch (IOException e) {
            server.close();
            BindException be = new BindException("Kafka listener cannot bind " + bind + ": " + e.getMessage());
            be.initCause(e);
            throw be;
        }
        return new KafkaListener(server, maxRequestBytes);
    }

    /** Starts accepting connections, served by {@code apis}. */
    public void start(ApiRegistry apis) {
        if (acceptor != null) {
            throw new IllegalStateException("The Kafka listener is already started");
        }
        this.registry = apis;
        this.acceptor = Thread.ofVirtual().name("kafka-acceptor").start(this::acceptLoop);
    }

    /** The bound port (the chosen one when bound to port 0). */
    public int port() {
        return server.socket().getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel socket;
            try {
                socket = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Accepting a Kafka connection failed: {}", e.toString());
                }
                continue;
            }
            try {
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
                KafkaConnection[] self = new KafkaConnection[1];
                self[0] = new KafkaConnection(socket, registry, maxRequestBytes, () -> connections.remove(self[0]));
                connections.add(self[0]);
                if (closed) {
                    self[0].close();
                    return;
                }
                self[0].start();
            } catch (IOException e) {
                LOG.warn("Setting up a Kafka connection failed: {}", e.toString());
                closeQuietly(socket);
            }
        }
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the connection is being abandoned anyway
        }
    }

    /** Stops accepting and closes every connection. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("Closing the Kafka listener failed: {}", e.toString());
        }
        for (KafkaConnection c : connections) {
            c.close();
        }
        Thread a = acceptor;
        if (a != null) {
            try {
                a.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
