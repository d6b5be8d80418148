package io.chronik.replication;

import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import io.chronik.config.HostPort;
import io.chronik.log.BatchHeader;
import io.chronik.log.PartitionLog;
import io.chronik.replication.FollowerReplica.StaleEpochException;
import io.chronik.replication.WalProtocol.EpochAnswer;
import io.chronik.replication.WalProtocol.EpochQuery;
import io.chronik.replication.WalProtocol.Fetch;
import io.chronik.replication.WalProtocol.Frame;
import io.chronik.replication.WalProtocol.PartitionData;
import io.chronik.replication.WalProtocol.PartitionFetch;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicates, on one virtual thread, every partition this node follows from one leader node (Kafka's
 * {@code ReplicaFetcherThread}), over one connection to the leader's WAL port.
 *
 * <p>Each round: partitions that start following a new leader epoch first agree with the leader on where their logs
 * diverge (KIP-101/279: ask the end offset of the local latest epoch, truncate to the smaller of the two ends, repeat
 * while the leader answers an older epoch); then one long-polling fetch for all partitions, at each partition's
 * durable end offset. Received batches are CRC-checked and appended as they are (the leader's offsets and epochs),
 * then forced together (group commit), and only then is the next fetch sent — so the fetch offset a leader sees is
 * always durable on this follower, and it is what moves the leader's high watermark.
 */
final class ReplicaFetcher {
    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);
    private static final int MAX_WAIT_MS = 500;
    private static final int MAX_BYTES = 8 * 1024 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 3000;
    private static final Duration DURABLE_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_TRUNCATION_ROUNDS = 16;

    /** A partition being followed in one leader epoch; {@code agreed} once its divergence point was settled. */
    private static final class Followed {
        final FollowerReplica replica;
        final int leaderEpoch;
        boolean agreed;
        long retryAfterNanos;

        Followed(FollowerReplica replica, int leaderEpoch) {
            this.replica = replica;
            this.leaderEpoch = leaderEpoch;
        }
    }

    private final int nodeId;
    private final int leaderId;
    private final HostPort leaderAddress;
    private final String clusterId;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<TopicPartition, Followed> partitions = new HashMap<>(); // guarded by lock
    private final Thread thread;
    private volatile boolean closed;
    private Socket socket;
    private DataInputStream in;
    private OutputStream out;
    private long backoffMs = 100;
    /** Set after a failure was logged at INFO, until the next successful connection: one line per outage. */
    private boolean inOutage;

    ReplicaFetcher(int nodeId, int leaderId, HostPort leaderAddress, String clusterId) {
        this.nodeId = nodeId;
        this.leaderId = leaderId;
        this.leaderAddress = leaderAddress;
        this.clusterId = clusterId;
        this.thread = Thread.ofVirtual().name("chronik-replica-fetcher-" + leaderId).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Follows {@code replica} from this leader in {@code leaderEpoch} (re-agreeing on divergence if it changed). */
    void follow(FollowerReplica replica, int leaderEpoch) {
        lock.lock();
        try {
            Followed current = partitions.get(replica.topicPartition());
            if (current == null || current.leaderEpoch != leaderEpoch || current.replica != replica) {
                partitions.put(replica.topicPartition(), new Followed(replica, leaderEpoch));
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    void unfollow(TopicPartition tp) {
        lock.lock();
        try {
            partitions.remove(tp);
        } finally {
            lock.unlock();
        }
    }

    boolean isIdle() {
        lock.lock();
        try {
            return partitions.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        closed = true;
        disconnect();
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code ms} for the fetcher's thread to end after {@link #close}; false if it is still running. */
    boolean awaitStopped(long ms) throws InterruptedException {
        return thread.join(Duration.ofMillis(ms));
    }

    private void run() {
        while (!closed) {
            try {
                List<Followed> work = awaitWork();
                if (work.isEmpty()) {
                    continue;
                }
                connectIfNeeded();
                List<Followed> ready = agreeOnDivergence(work);
                if (!ready.isEmpty()) {
                    fetchOnce(ready);
                } else {
                    sleep(MAX_WAIT_MS);
                }
                backoffMs = 100;
            } catch (IOException e) {
                if (!closed && !inOutage) {
                    log.info("Replication from node {} at {} interrupted: {}; retrying until it answers", leaderId,
                            leaderAddress, e.toString());
                    inOutage = true;
                } else if (!closed) {
                    log.debug("Replication from node {} at {} still failing: {}; retrying in {} ms", leaderId,
                            leaderAddress, e.toString(), backoffMs);
                }
                disconnect();
                sleep(backoffMs);
                backoffMs = Math.min(1000, backoffMs * 2);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("Replica fetcher for node {} failed; retrying", leaderId, e);
                disconnect();
                sleep(1000);
            }
        }
        disconnect();
    }

    /** The partitions to work on now; waits while there are none. */
    private List<Followed> awaitWork() throws InterruptedException {
        lock.lock();
        try {
            while (partitions.isEmpty() && !closed) {
                changed.await();
            }
            long now = System.nanoTime();
            List<Followed> work = new ArrayList<>();
            for (Followed f : partitions.values()) {
                if (f.retryAfterNanos == 0 || now - f.retryAfterNanos >= 0) {
                    work.add(f);
                }
            }
            return work;
        } finally {
            lock.unlock();
        }
    }

    private boolean isCurrent(Followed f) {
        lock.lock();
        try {
            return partitions.get(f.replica.topicPartition()) == f;
        } finally {
            lock.unlock();
        }
    }

    private void connectIfNeeded() throws IOException {
        if (socket != null) {
            return;
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(leaderAddress.host(), leaderAddress.port()), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(MAX_WAIT_MS + 30_000);
            var input = new DataInputStream(new BufferedInputStream(s.getInputStream(), 64 * 1024));
            OutputStream output = s.getOutputStream();
            output.write(toArray(WalProtocol.encode(new WalProtocol.Handshake(WalProtocol.VERSION, clusterId,
                    nodeId, leaderId))));
            Frame reply = WalProtocol.readFrame(input);
            if (reply == null) {
                throw new IOException("leader closed the connection during the handshake");
            }
            if (reply.type() == WalProtocol.REJECTED) {
                var rejected = WalProtocol.decodeRejected(reply.body());
                throw new IOException("leader refused the handshake: " + rejected.message());
            }
            if (reply.type() != WalProtocol.HANDSHAKE_ACCEPTED) {
                throw new IOException("unexpected handshake reply type " + reply.type());
            }
            var accepted = WalProtocol.decodeHandshakeAccepted(reply.body());
            if (accepted.nodeId() != leaderId) {
                throw new IOException("node " + accepted.nodeId() + " answered at the address of node " + leaderId);
            }
            socket = s;
            in = input;
            out = output;
            log.info("Replicating from node {} at {}", leaderId, leaderAddress);
            inOutage = false;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private void disconnect() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                log.debug("Closing replication socket: {}", e.toString());
            }
        }
    }

    /** Settles the divergence point of every partition not yet agreed; returns the partitions ready to fetch. */
    private List<Followed> agreeOnDivergence(List<Followed> work) throws IOException {
        List<Followed> ready = new ArrayList<>();
        List<Followed> pending = new ArrayList<>();
        for (Followed f : work) {
            (f.agreed ? ready : pending).add(f);
        }
        for (int round = 0; round < MAX_TRUNCATION_ROUNDS && !pending.isEmpty(); round++) {
            List<EpochQuery> queries = new ArrayList<>();
            for (Followed f : pending) {
                queries.add(new EpochQuery(f.replica.topicPartition(), f.leaderEpoch, f.replica.latestEpoch()));
            }
            List<EpochAnswer> answers = epochRequest(queries);
            List<Followed> again = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                Followed f = pending.get(i);
                EpochAnswer a = answers.get(i);
                if (a.error() != ErrorCode.NONE) {
                    backOff(f, a.error());
                    continue;
                }
                try {
                    if (truncateToAgreement(f, queries.get(i).epoch(), a)) {
                        f.agreed = true;
                        ready.add(f);
                    } else {
                        again.add(f);
                    }
                } catch (StaleEpochException e) {
                    log.debug("{}: {}", f.replica.topicPartition(), e.getMessage());
                }
            }
            pending = again;
        }
        return ready;
    }

    /**
     * One step of KIP-279 for one partition; true once the logs agree below the local log end offset.
     *
     * @param askedEpoch the local latest epoch sent to the leader (-1: the local log has no epoch)
     */
    private boolean truncateToAgreement(Followed f, int askedEpoch, EpochAnswer a) throws IOException {
        FollowerReplica r = f.replica;
        long end = r.logEndOffset();
        if (askedEpoch < 0) {
            // Nothing local carries an epoch: either empty, or only below the log start. Fetch decides.
            return true;
        }
        long target;
        boolean done;
        if (a.epoch() < 0) {
            // The leader knows no epoch at or below ours: keep nothing it does not have readable.
            target = Math.min(end, a.logStartOffset());
            done = true;
        } else if (a.epoch() == askedEpoch) {
            target = Math.min(end, a.endOffset());
            done = true;
        } else {
            Optional<PartitionLog.EpochEndOffset> local = r.endOffsetForEpoch(a.epoch());
            long localEnd = local.map(PartitionLog.EpochEndOffset::endOffset).orElse(r.logStartOffset());
            target = Math.min(Math.min(end, a.endOffset()), localEnd);
            done = local.isPresent() && local.get().leaderEpoch() == a.epoch();
        }
        if (target < end) {
            log.info("{}: truncating from {} to {} to agree with leader {} (epoch {}: leader end {}, local latest "
                    + "epoch {})", r.topicPartition(), end, target, leaderId, a.epoch(), a.endOffset(), askedEpoch);
            r.truncateTo(target, f.leaderEpoch);
        }
        return done || r.latestEpoch() < 0;
    }

    private List<EpochAnswer> epochRequest(List<EpochQuery> queries) throws IOException {
        out.write(toArray(WalProtocol.encode(new WalProtocol.EpochRequest(queries))));
        Frame reply = WalProtocol.readFrame(in);
        if (reply == null || reply.type() != WalProtocol.EPOCH_RESPONSE) {
            throw new IOException("expected an epoch response from node " + leaderId);
        }
        List<EpochAnswer> answers = WalProtocol.decodeEpochResponse(reply.body());
        if (answers.size() != queries.size()) {
            throw new IOException("epoch response of node " + leaderId + " has " + answers.size() + " partitions");
        }
        return answers;
    }

    private void fetchOnce(List<Followed> ready) throws IOException, InterruptedException {
        List<PartitionFetch> requested = new ArrayList<>(ready.size());
        for (Followed f : ready) {
            FollowerReplica r = f.replica;
            requested.add(new PartitionFetch(r.topicPartition(), f.leaderEpoch, r.durableEndOffset(),
                    r.highWatermark()));
        }
        out.write(toArray(WalProtocol.encode(new Fetch(MAX_WAIT_MS, MAX_BYTES, requested))));
        Frame reply = WalProtocol.readFrame(in);
        if (reply == null || reply.type() != WalProtocol.FETCH_RESPONSE) {
            throw new IOException("expected a fetch response from node " + leaderId);
        }
        List<PartitionData> data = WalProtocol.decodeFetchResponse(reply.body());
        if (data.size() != ready.size()) {
            throw new IOException("fetch response of node " + leaderId + " has " + data.size() + " partitions");
        }
        List<Integer> appended = new ArrayList<>();
        for (int i = 0; i < ready.size(); i++) {
            Followed f = ready.get(i);
            PartitionData d = data.get(i);
            if (!isCurrent(f)) {
                continue;
            }
            try {
                switch (d.error()) {
                    case NONE -> {
                        if (d.records().hasRemaining()) {
                            appendAll(f, d.records());
                            appended.add(i);
                        } else {
                            f.replica.updateHighWatermarkFromLeader(d.highWatermark(), f.leaderEpoch);
                        }
                    }
                    case OFFSET_OUT_OF_RANGE -> handleOutOfRange(f, requested.get(i).fetchOffset(), d);
                    default -> backOff(f, d.error());
                }
            } catch (StaleEpochException e) {
                log.debug("{}: {}", f.replica.topicPartition(), e.getMessage());
            }
        }
        for (int i : appended) {
            Followed f = ready.get(i);
            try {
                f.replica.awaitDurable(f.replica.logEndOffset(), DURABLE_TIMEOUT);
                f.replica.updateHighWatermarkFromLeader(data.get(i).highWatermark(), f.leaderEpoch);
            } catch (StaleEpochException e) {
                log.debug("{}: {}", f.replica.topicPartition(), e.getMessage());
            }
        }
    }

    private void appendAll(Followed f, ByteBuffer records) throws IOException {
        var crc = new CRC32C();
        while (records.remaining() >= BatchHeader.LOG_OVERHEAD) {
            int size = BatchHeader.LOG_OVERHEAD + records.getInt(records.position() + 8);
            if (size < BatchHeader.SIZE || size > records.remaining()) {
                throw new IOException("malformed batch from node " + leaderId + " for " + f.replica.topicPartition());
            }
            ByteBuffer batch = records.slice(records.position(), size);
            crc.reset();
            crc.update(batch.slice(BatchHeader.ATTRIBUTES_OFFSET, size - BatchHeader.ATTRIBUTES_OFFSET));
            if ((int) crc.getValue() != batch.getInt(BatchHeader.CRC_OFFSET)) {
                throw new IOException("CRC-32C mismatch in a batch from node " + leaderId + " for "
                        + f.replica.topicPartition());
            }
            f.replica.appendAsFollower(batch, f.leaderEpoch);
            records.position(records.position() + size);
        }
    }

    private void handleOutOfRange(Followed f, long fetchOffset, PartitionData d) throws IOException {
        FollowerReplica r = f.replica;
        if (fetchOffset > d.logEndOffset()) {
            log.info("{}: offset {} is beyond the leader's log end {}; truncating", r.topicPartition(), fetchOffset,
                    d.logEndOffset());
            r.truncateTo(d.logEndOffset(), f.leaderEpoch);
        } else if (fetchOffset < d.logStartOffset()) {
            log.info("{}: offset {} is below the leader's log start {}; restarting the local log there",
                    r.topicPartition(), fetchOffset, d.logStartOffset());
            r.truncateFullyAndStartAt(d.logStartOffset(), f.leaderEpoch);
        }
        f.agreed = false;
    }

    private void backOff(Followed f, ErrorCode error) {
        log.debug("{}: leader {} answered {}; retrying later", f.replica.topicPartition(), leaderId, error);
        f.agreed = false;
        f.retryAfterNanos = System.nanoTime() + Duration.ofMillis(MAX_WAIT_MS).toNanos();
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private static byte[] toArray(ByteBuffer frame) {
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }
}
