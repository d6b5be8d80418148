package io.chronik.replication;

import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import io.chronik.common.WakeupSignal;
import io.chronik.config.HostPort;
import io.chronik.log.LogSlice;
import io.chronik.log.OffsetOutOfRangeException;
import io.chronik.log.PartitionLog;
import io.chronik.replication.WalProtocol.EpochAnswer;
import io.chronik.replication.WalProtocol.EpochQuery;
import io.chronik.replication.WalProtocol.Fetch;
import io.chronik.replication.WalProtocol.Frame;
import io.chronik.replication.WalProtocol.Handshake;
import io.chronik.replication.WalProtocol.HandshakeAccepted;
import io.chronik.replication.WalProtocol.PartitionFetch;
import io.chronik.replication.WalProtocol.Rejected;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader side of replication: listens on the node's WAL port, one virtual thread per follower connection with
 * blocking IO. After the handshake (protocol version, cluster id, the two node ids) the follower sends fetch and
 * epoch requests one at a time. A fetch records the follower's progress in every partition it names (which moves
 * the high watermark and the ISR), answers with batches read from the leader's log — written to the socket straight
 * from the segment files — and, when there is nothing new, parks until an append or a high-watermark move in one of
 * those partitions, or the follower's {@code maxWaitMs} passes (long poll).
 */
public final class WalServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalServer.class);
    private static final int PARTITION_MAX_BYTES = 1024 * 1024;

    private final int nodeId;
    private final ReplicaDirectory replicas;
    private final ServerSocketChannel server;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private WalServer(int nodeId, ReplicaDirectory replicas, ServerSocketChannel server) {
        this.nodeId = nodeId;
        this.replicas = replicas;
        this.server = server;
        this.acceptor = Thread.ofVirtual().name("chronik-wal-accept").unstarted(this::acceptLoop);
    }

    /** Binds {@code bind} (port 0: any free port) and starts accepting followers. */
    public static WalServer start(int nodeId, HostPort bind, ReplicaDirectory replicas) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(bind.host(), bind.port()));
        } catch (IOException e) {
            server.close();
            throw new IOException("Cannot bind the WAL port " + bind + ": " + e.getMessage(), e);
        }
        WalServer wal = new WalServer(nodeId, replicas, server);
        wal.acceptor.start();
        log.info("WAL replication listener on {}", server.getLocalAddress());
        return wal;
    }

    public int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel channel = server.accept();
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connections.add(channel);
                Thread.ofVirtual().name("chronik-wal-conn").start(() -> serve(channel));
            } catch (IOException e) {
                if (!closed) {
                    log.warn("Accepting a WAL connection failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(SocketChannel channel) {
        int follower = -1;
        try (channel) {
            var in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024));
            Frame first = WalProtocol.readFrame(in);
            if (first == null || first.type() != WalProtocol.HANDSHAKE) {
                return;
            }
            Handshake h = WalProtocol.decodeHandshake(first.body());
            Optional<String> refusal = refusal(h);
            if (refusal.isPresent()) {
                log.warn("Refused WAL connection from {}: {}", channel.getRemoteAddress(), refusal.get());
                writeFully(channel, WalProtocol.encode(new Rejected(ErrorCode.INVALID_REQUEST, refusal.get())));
                return;
            }
            follower = h.fromNode();
            writeFully(channel, WalProtocol.encode(new HandshakeAccepted(WalProtocol.VERSION, nodeId)));
            log.info("Follower {} connected for replication", follower);
            while (!closed) {
                Frame frame = WalProtocol.readFrame(in);
                if (frame == null) {
                    break;
                }
                switch (frame.type()) {
                    case WalProtocol.FETCH -> serveFetch(channel, follower, WalProtocol.decodeFetch(frame.body()));
                    case WalProtocol.EPOCH_REQUEST -> writeFully(channel, WalProtocol.encodeEpochResponse(
                            epochs(WalProtocol.decodeEpochRequest(frame.body()).partitions())));
                    default -> throw new IOException("unexpected WAL frame type " + frame.type());
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                log.info("Replication connection of follower {} closed: {}", follower, e.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.remove(channel);
        }
    }

    private Optional<String> refusal(Handshake h) {
        if (h.version() != WalProtocol.VERSION) {
            return Optional.of("protocol version " + h.version() + " (this node speaks " + WalProtocol.VERSION + ")");
        }
        if (!h.clusterId().equals(replicas.clusterId())) {
            return Optional.of("cluster id " + h.clusterId() + " is not " + replicas.clusterId());
        }
        if (h.toNode() != nodeId) {
            return Optional.of("addressed to node " + h.toNode() + ", this is node " + nodeId);
        }
        if (h.fromNode() == nodeId) {
            return Optional.of("a node cannot replicate from itself");
        }
        return Optional.empty();
    }

    private List<EpochAnswer> epochs(List<EpochQuery> queries) {
        List<EpochAnswer> answers = new ArrayList<>(queries.size());
        for (EpochQuery q : queries) {
            Optional<LeaderReplica> replica = replicas.leaderReplica(q.tp());
            ErrorCode error = replica.map(r -> r.checkLeader(q.leaderEpoch())).orElse(ErrorCode.NOT_LEADER_OR_FOLLOWER);
            if (error != ErrorCode.NONE) {
                answers.add(new EpochAnswer(q.tp(), error, -1, -1, -1));
                continue;
            }
            LeaderReplica r = replica.get();
            Optional<PartitionLog.EpochEndOffset> end = r.endOffsetForEpoch(q.epoch());
            answers.add(new EpochAnswer(q.tp(), ErrorCode.NONE, end.map(PartitionLog.EpochEndOffset::leaderEpoch)
                    .orElse(-1), end.map(PartitionLog.EpochEndOffset::endOffset).orElse(-1L), r.logStartOffset()));
        }
        return answers;
    }

    /** One partition's part of a fetch response before it is written. */
    private record Part(TopicPartition tp, ErrorCode error, LeaderReplica.FollowerRead read) {
        int recordsSize() {
            return read == null ? 0 : read.slice().sizeInBytes();
        }
    }

    private void serveFetch(SocketChannel channel, int follower, Fetch fetch) throws IOException,
            InterruptedException {
        List<LeaderReplica> watched = new ArrayList<>();
        for (PartitionFetch p : fetch.partitions()) {
            replicas.leaderReplica(p.tp()).ifPresent(watched::add);
        }
        var signal = new WakeupSignal();
        watched.forEach(r -> r.watchReplication(signal));
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, fetch.maxWaitMs()));
            boolean first = true;
            while (true) {
                List<Part> parts = read(follower, fetch, first);
                first = false;
                boolean news = parts.stream().anyMatch(p -> p.error() != ErrorCode.NONE || p.recordsSize() > 0);
                if (!news) {
                    news = hasNewHighWatermark(fetch, parts);
                }
                long left = deadline - System.nanoTime();
                if (news || left <= 0 || closed) {
                    write(channel, parts);
                    return;
                }
                signal.await(left);
            }
        } finally {
            watched.forEach(r -> r.unwatchReplication(signal));
        }
    }

    private static boolean hasNewHighWatermark(Fetch fetch, List<Part> parts) {
        for (int i = 0; i < parts.size(); i++) {
            var read = parts.get(i).read();
            if (read != null && read.highWatermark() > fetch.partitions().get(i).highWatermark()) {
                return true;
            }
        }
        return false;
    }

    /** Reads every partition of {@code fetch}; only the first read of a request records the follower's progress. */
    private List<Part> read(int follower, Fetch fetch, boolean recordProgress) throws IOException {
        List<Part> parts = new ArrayList<>(fetch.partitions().size());
        long remaining = Math.max(1, fetch.maxBytes());
        for (PartitionFetch p : fetch.partitions()) {
            Optional<LeaderReplica> replica = replicas.leaderReplica(p.tp());
            ErrorCode error = replica.map(r -> r.checkLeader(p.leaderEpoch())).orElse(ErrorCode.NOT_LEADER_OR_FOLLOWER);
            if (error != ErrorCode.NONE) {
                parts.add(new Part(p.tp(), error, null));
                continue;
            }
            try {
                int limit = (int) Math.min(PARTITION_MAX_BYTES, remaining);
                var read = replica.get().readForFollower(follower, p.fetchOffset(), limit, recordProgress);
                remaining = Math.max(0, remaining - read.slice().sizeInBytes());
                parts.add(new Part(p.tp(), ErrorCode.NONE, read));
            } catch (OffsetOutOfRangeException e) {
                LeaderReplica r = replica.get();
                parts.add(new Part(p.tp(), ErrorCode.OFFSET_OUT_OF_RANGE, new LeaderReplica.FollowerRead(
                        LogSlice.empty(p.fetchOffset()), r.highWatermark(), r.logStartOffset(), r.logEndOffset())));
            }
        }
        return parts;
    }

    /** Writes a FETCH_RESPONSE frame; record bytes go from the segment files to the socket without a copy. */
    private static void write(SocketChannel channel, List<Part> parts) throws IOException {
        List<ByteBuffer> headers = new ArrayList<>(parts.size());
        long length = 1 + 4;
        for (Part p : parts) {
            var read = p.read();
            ByteBuffer header = WalProtocol.partitionDataHeader(p.tp(), p.error(),
                    read == null ? -1 : read.highWatermark(), read == null ? -1 : read.logStartOffset(),
                    read == null ? -1 : read.logEndOffset(), p.recordsSize());
            headers.add(header);
            length += header.remaining() + p.recordsSize();
        }
        ByteBuffer start = ByteBuffer.allocate(9);
        start.putInt((int) length).put(WalProtocol.FETCH_RESPONSE).putInt(parts.size()).flip();
        writeFully(channel, start);
        for (int i = 0; i < parts.size(); i++) {
            writeFully(channel, headers.get(i));
            int size = parts.get(i).recordsSize();
            LogSlice slice = size == 0 ? null : parts.get(i).read().slice();
            long sent = 0;
            while (sent < size) {
                long n = slice.transferTo(sent, size - sent, channel);
                if (n <= 0) {
                    throw new IOException("segment of " + parts.get(i).tp() + " shrank while being sent");
                }
                sent += n;
            }
        }
    }

    private static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("Closing the WAL listener: {}", e.toString());
        }
        for (SocketChannel c : connections) {
            try {
                c.close();
            } catch (IOException e) {
                log.debug("Closing a WAL connection: {}", e.toString());
            }
        }
        acceptor.interrupt();
    }
}
