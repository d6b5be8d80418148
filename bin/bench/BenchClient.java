import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The two client steps of {@code bin/bench/run.sh} that the Kafka command-line tools cannot time or batch, run against
 * Chronik and Apache Kafka alike with kafka-clients 4.4 from {@code .kafka-cli/lib}. Compiled by the harness into
 * {@code .bench-cache/bench-client}; it is not part of the server build.
 *
 * <pre>
 * first-produce BOOTSTRAP TOPIC TIMEOUT_MS
 *     Creates a producer (acks=all, 10 ms reconnect and retry backoff), prints "ready" and then keeps trying to
 *     produce one record to TOPIC (auto-created by the broker) until it is acknowledged. Prints "produced EPOCH_MS"
 *     at that moment and exits 0; exits 1 with "failed: ..." after TIMEOUT_MS. The harness starts it before the
 *     broker, so the time from broker launch to EPOCH_MS is the broker's start-up time as a client sees it.
 * create-topics BOOTSTRAP PARTITIONS REPLICATION_FACTOR CONFIGS TOPIC...
 *     Creates the topics (CONFIGS: comma-separated key=value, or "-" for none) in one request; existing topics are
 *     fine. Exits 1 with "failed: ..." on any other error.
 * </pre>
 */
public final class BenchClient {

    private BenchClient() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        try {
            switch (args.length == 0 ? "" : args[0]) {
                case "first-produce" -> firstProduce(args[1], args[2], Long.parseLong(args[3]), out);
                case "create-topics" -> createTopics(args, out);
                default -> {
                    out.println("failed: usage: first-produce BOOTSTRAP TOPIC TIMEOUT_MS"
                            + " | create-topics BOOTSTRAP PARTITIONS RF CONFIGS TOPIC...");
                    System.exit(1);
                }
            }
        } catch (Exception e) {
            out.println("failed: " + rootMessage(e));
            out.flush();
            System.exit(1);
        }
    }

    private static void firstProduce(String bootstrap, String topic, long timeoutMs, PrintStream out)
            throws InterruptedException {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Not idempotent: a producer whose first batches expire while the server starts can end up in a state
        // it does not recover from, and this probe measures the server, not that client path.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "10");
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10");
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        props.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "10");
        props.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, "1000");
        props.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, "1000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "3000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        long deadline = System.currentTimeMillis() + timeoutMs;
        String lastError = "no attempt";
        var producer = new KafkaProducer<byte[], byte[]>(props);
        out.println("ready");
        out.flush();
        try {
            while (System.currentTimeMillis() < deadline) {
                try {
                    producer.send(new ProducerRecord<>(topic, new byte[]{1})).get();
                    out.println("produced " + System.currentTimeMillis());
                    out.flush();
                    return;
                } catch (TimeoutException e) {
                    // send() found no metadata within max.block.ms: the server is not up yet; keep this producer,
                    // which reconnects every 10 ms.
                    lastError = rootMessage(e);
                } catch (ExecutionException | RuntimeException e) {
                    lastError = rootMessage(e);
                    // A failed send may leave the producer unusable; the next attempt gets a fresh one.
                    producer.close(Duration.ZERO);
                    producer = new KafkaProducer<>(props);
                    Thread.sleep(10);
                }
            }
        } finally {
            producer.close(Duration.ZERO);
        }
        out.println("failed: no record acknowledged within " + timeoutMs + " ms; last error: " + lastError);
        out.flush();
        System.exit(1);
    }

    private static void createTopics(String[] args, PrintStream out) throws InterruptedException {
        String bootstrap = args[1];
        int partitions = Integer.parseInt(args[2]);
        short replicationFactor = Short.parseShort(args[3]);
        Map<String, String> configs = new HashMap<>();
        if (!args[4].equals("-")) {
            for (String pair : args[4].split(",")) {
                String[] kv = pair.split("=", 2);
                configs.put(kv[0], kv[1]);
            }
        }
        List<NewTopic> topics = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            topics.add(new NewTopic(args[i], partitions, replicationFactor).configs(configs));
        }
        var props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (var admin = Admin.create(props)) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get();
                    out.println("created " + entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(entry.getKey() + ": " + rootMessage(e), e);
                    }
                    out.println("exists " + entry.getKey());
                }
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
