package io.chronik.broker;

import io.chronik.common.TopicPartition;
import io.chronik.config.ClusterConfig;
import io.chronik.config.HostPort;
import io.chronik.config.ServerConfig;
import io.chronik.kafka.compaction.KafkaRecordCompactor;
import io.chronik.log.LogSlice;
import io.chronik.metadata.LocalMetadataStore;
import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.PartitionImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Three {@link ReplicaManager}s in one JVM sharing one metadata store (the test plays the controller), each with its
 * own data dir and a real WAL server on a loopback port, so replication runs over real sockets. A node is "killed" by
 * closing its replica manager and "restarted" by opening a new one on the same data dir.
 */
final class InProcessReplicas implements AutoCloseable {

    static final String TOPIC = "replicated";

    private final Path root;
    private final MetadataStore metadata;
    private final List<ClusterConfig.Peer> peers = new ArrayList<>();
    private final Map<Integer, ReplicaManager> nodes = new HashMap<>();
    private final long lagMs;
    private final int minInsync;

    InProcessReplicas(Path root, int nodeCount, long lagMs, int minInsync) throws IOException {
        this.root = root;
        this.lagMs = lagMs;
        this.minInsync = minInsync;
        this.metadata = LocalMetadataStore.open(root.resolve("metadata"), 1);
        for (int id = 1; id <= nodeCount; id++) {
            peers.add(new ClusterConfig.Peer(id, new HostPort("127.0.0.1", 19000 + id), new HostPort("127.0.0.1",
                    freePort()), new HostPort("127.0.0.1", 19100 + id)));
            metadata.submit(new MetadataCommand.RegisterBroker(id, "127.0.0.1", 19000 + id, null));
        }
        for (int id = 1; id <= nodeCount; id++) {
            start(id);
        }
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    MetadataStore metadata() {
        return metadata;
    }

    void start(int id) throws IOException {
        var kafka = new ServerConfig.KafkaSettings(100 * 1024 * 1024, false, 1, (short) 3, minInsync, 2);
        var config = new ServerConfig(id, root.resolve("node" + id), new HostPort("127.0.0.1", 0),
                new HostPort("127.0.0.1", 0), kafka, ServerConfig.LogDefaults.DEFAULT,
                Optional.of(new ClusterConfig(id, peers).withWalBind(peers.get(id - 1).wal())))
                .withReplication(new ServerConfig.ReplicationSettings(lagMs));
        var rm = new ReplicaManager(config, metadata, new KafkaRecordCompactor());
        rm.start();
        nodes.put(id, rm);
    }

    void stop(int id) {
        ReplicaManager rm = nodes.remove(id);
        if (rm != null) {
            rm.close();
        }
    }

    boolean isRunning(int id) {
        return nodes.containsKey(id);
    }

    ReplicaManager node(int id) {
        return nodes.get(id);
    }

    Partition replica(int id, int partition) {
        return nodes.get(id).localReplica(new TopicPartition(TOPIC, partition)).orElseThrow();
    }

    PartitionImage image(int partition) {
        return metadata.current().topic(TOPIC).orElseThrow().partition(partition);
    }

    void createTopic(int partitions, Map<String, String> configs) {
        List<List<Integer>> assignments = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            List<Integer> replicas = new ArrayList<>();
            for (int r = 0; r < peers.size(); r++) {
                replicas.add((p + r) % peers.size() + 1);
            }
            assignments.add(replicas);
        }
        metadata.submit(new MetadataCommand.CreateTopic(TOPIC, java.util.UUID.randomUUID(), assignments, configs));
    }

    /** Plays the controller: moves leadership of {@code partition} to {@code leader} with {@code isr}. */
    void electLeader(int partition, int leader, List<Integer> isr) {
        PartitionImage p = image(partition);
        metadata.submit(new MetadataCommand.ChangePartitionLeader(TOPIC, partition, leader, p.leaderEpoch() + 1, isr));
    }

    /** A batch of {@code count} records whose values are "v-<first>".."v-<first+count-1>". */
    static ByteBuffer batch(int first, int count) {
        var records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), null,
                    ("v-" + (first + i)).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records).buffer();
    }

    /** An idempotent batch of producer {@code pid} starting at sequence {@code seq}. */
    static ByteBuffer idempotentBatch(long pid, int seq, int first, int count) {
        var records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), null,
                    ("v-" + (first + i)).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, pid, (short) 0, seq, records).buffer();
    }

    /** The bytes of a replica's log from its log start to {@code end} (whole batches). */
    static byte[] logBytes(Partition p, long end) throws IOException {
        var out = new ByteArrayOutputStream();
        long offset = p.logStartOffset();
        while (offset < end) {
            LogSlice slice = p.readUpTo(offset, 1 << 20, end);
            if (slice.isEmpty()) {
                break;
            }
            var target = Channels.newChannel(out);
            long done = 0;
            while (done < slice.sizeInBytes()) {
                done += slice.transferTo(done, slice.sizeInBytes() - done, target);
            }
            ByteBuffer copy = ByteBuffer.wrap(out.toByteArray());
            long last = offset;
            for (RecordBatch b : MemoryRecords.readableRecords(copy).batches()) {
                last = b.nextOffset();
            }
            offset = last;
        }
        return out.toByteArray();
    }

    /** The record values of a replica below {@code end}, in offset order. */
    static List<String> values(Partition p, long end) throws IOException {
        List<String> values = new ArrayList<>();
        for (RecordBatch b : MemoryRecords.readableRecords(ByteBuffer.wrap(logBytes(p, end))).batches()) {
            b.ensureValid();
            for (var r : b) {
                if (r.offset() < end) {
                    byte[] v = new byte[r.valueSize()];
                    r.value().get(v);
                    values.add(new String(v, StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    @Override
    public void close() {
        for (int id : List.copyOf(nodes.keySet())) {
            stop(id);
        }
        metadata.close();
    }
}
