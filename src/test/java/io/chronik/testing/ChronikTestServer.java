package io.chronik.testing;

import io.chronik.config.HostPort;
import io.chronik.config.ServerConfig;
import io.chronik.server.ChronikServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An in-process Chronik node for tests: listens on 127.0.0.1 (port 0 on first start), keeps its data in the given
 * directory, and can be stopped and restarted on the same directory and port. Clients made by {@link #admin},
 * {@link #producer} and {@link #consumer} are closed by {@link #close}.
 *
 * <p>Use it directly ({@code try (var server = ChronikTestServer.start(tempDir))}) or let
 * {@link ChronikServerExtension} inject one into a test method.
 */
public final class ChronikTestServer implements AutoCloseable {

    private final List<AutoCloseable> clients = new ArrayList<>();
    private ServerConfig config;
    private ChronikServer server;

    private ChronikTestServer(ServerConfig config) throws IOException {
        this.config = config;
        this.server = ChronikServer.start(config);
        this.config = withBindPort(config, server.kafkaPort());
    }

    /** Starts a standalone node with default settings on {@code dataDir}. */
    public static ChronikTestServer start(Path dataDir) throws IOException {
        return start(dataDir, UnaryOperator.identity());
    }

    /** Starts a node whose default standalone config is adjusted by {@code customize} (bind port must stay 0). */
    public static ChronikTestServer start(Path dataDir, UnaryOperator<ServerConfig> customize) throws IOException {
        return new ChronikTestServer(customize.apply(ServerConfig.standalone(dataDir, new HostPort("127.0.0.1", 0))));
    }

    /** {@code c} with another bind port; copies every other component, whatever the record's current shape. */
    private static ServerConfig withBindPort(ServerConfig c, int port) {
        RecordComponent[] components = ServerConfig.class.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                values[i] = components[i].getName().equals("kafkaBind") ? new HostPort(c.kafkaBind().host(), port)
                        : components[i].getAccessor().invoke(c);
            }
            return ServerConfig.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot copy " + c, e);
        }
    }

    /** "127.0.0.1:port", for {@code bootstrap.servers}. */
    public String bootstrap() {
        return "127.0.0.1:" + port();
    }

    public int port() {
        return config.kafkaBind().port();
    }

    /** The port of the node's admin API (a free port chosen at each start). */
    public int adminPort() {
        return server.adminPort();
    }

    public Path dataDir() {
        return config.dataDir();
    }

    /** The config the node runs with (its bind port is the actual one). */
    public ServerConfig config() {
        return config;
    }

    /** Stops the node (clients stay open and reconnect after {@link #restart}). */
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Stops the node if running and starts it again on the same data directory and port. */
    public void restart() throws IOException {
        stop();
        server = ChronikServer.start(config);
    }

    public boolean isRunning() {
        return server != null;
    }

    /** An admin client bootstrapped to this node. */
    public Admin admin() {
        return admin(Map.of());
    }

    public Admin admin(Map<String, Object> overrides) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.putAll(overrides);
        return track(Admin.create(p));
    }

    /** A String producer bootstrapped to this node (Kafka defaults: acks=all, idempotent). */
    public KafkaProducer<String, String> producer(Map<String, Object> overrides) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.putAll(overrides);
        return track(new KafkaProducer<>(p));
    }

    /** A String consumer bootstrapped to this node, reading from the earliest offset. */
    public KafkaConsumer<String, String> consumer(Map<String, Object> overrides) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putAll(overrides);
        return track(new KafkaConsumer<>(p));
    }

    private <T extends AutoCloseable> T track(T client) {
        synchronized (clients) {
            clients.add(client);
        }
        return client;
    }

    /** Closes every client made here, then the node. */
    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (clients) {
            toClose = new ArrayList<>(clients);
            clients.clear();
        }
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                throw e instanceof RuntimeException r ? r : new UncheckedIOException(new IOException(e));
            }
        }
        stop();
    }
}
