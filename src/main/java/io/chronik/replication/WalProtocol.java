package io.chronik.replication;

import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames of the WAL (replication) port, all big-endian. Every frame is {@code int32 length} (of the rest),
 * {@code int8 type}, then the type's body. Strings are {@code int16 length} + UTF-8 bytes. A connection starts with
 * a {@link Handshake} answered by {@link HandshakeAccepted} (or {@link Rejected}, after which the server closes);
 * then the follower sends one request at a time and reads its response. Layouts are in {@code docs/replication.md}.
 *
 * <p>Fetch responses are written by {@code WalServer} straight from the segment files (zero-copy); this class
 * encodes everything else and decodes everything.
 */
final class WalProtocol {

    static final int MAGIC = 0x43485257; // "CHRW"
    static final short VERSION = 1;
    static final int MAX_FRAME = 64 * 1024 * 1024;

    static final byte HANDSHAKE = 1;
    static final byte HANDSHAKE_ACCEPTED = 2;
    static final byte FETCH = 3;
    static final byte FETCH_RESPONSE = 4;
    static final byte EPOCH_REQUEST = 5;
    static final byte EPOCH_RESPONSE = 6;
    static final byte REJECTED = 15;

    private WalProtocol() {
    }

    record Handshake(short version, String clusterId, int fromNode, int toNode) {}

    record HandshakeAccepted(short version, int nodeId) {}

    record Rejected(ErrorCode error, String message) {}

    /** A follower's position in one partition; {@code highWatermark} is the HW it already knows. */
    record PartitionFetch(TopicPartition tp, int leaderEpoch, long fetchOffset, long highWatermark) {}

    record Fetch(int maxWaitMs, int maxBytes, List<PartitionFetch> partitions) {}

    /** One partition of a fetch response; {@code records} holds whole batches (possibly none). */
    record PartitionData(TopicPartition tp, ErrorCode error, long highWatermark, long logStartOffset,
            long logEndOffset, ByteBuffer records) {}

    record EpochQuery(TopicPartition tp, int leaderEpoch, int epoch) {}

    record EpochRequest(List<EpochQuery> partitions) {}

    /** The leader's end offset of the asked epoch; epoch and endOffset are -1 when undefined. */
    record EpochAnswer(TopicPartition tp, ErrorCode error, int epoch, long endOffset, long logStartOffset) {}

    /** A decoded frame: its type and body. */
    record Frame(byte type, ByteBuffer body) {}

    static Frame readFrame(DataInputStream in) throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (length < 1 || length > MAX_FRAME) {
            throw new IOException("bad WAL frame length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        ByteBuffer body = ByteBuffer.wrap(bytes);
        return new Frame(body.get(), body);
    }

    /** A whole frame: length, type, body. */
    static ByteBuffer frame(byte type, ByteBuffer body) {
        ByteBuffer out = ByteBuffer.allocate(5 + body.remaining());
        out.putInt(1 + body.remaining()).put(type).put(body).flip();
        return out;
    }

    static ByteBuffer encode(Handshake h) {
        var w = new Writer();
        w.buf.putInt(MAGIC).putShort(h.version());
        w.string(h.clusterId());
        w.buf.putInt(h.fromNode()).putInt(h.toNode());
        return frame(HANDSHAKE, w.done());
    }

    static Handshake decodeHandshake(ByteBuffer b) throws IOException {
        if (b.getInt() != MAGIC) {
            throw new IOException("not a Chronik WAL handshake");
        }
        return new Handshake(b.getShort(), string(b), b.getInt(), b.getInt());
    }

    static ByteBuffer encode(HandshakeAccepted a) {
        var w = new Writer();
        w.buf.putShort(a.version()).putInt(a.nodeId());
        return frame(HANDSHAKE_ACCEPTED, w.done());
    }

    static HandshakeAccepted decodeHandshakeAccepted(ByteBuffer b) {
        return new HandshakeAccepted(b.getShort(), b.getInt());
    }

    static ByteBuffer encode(Rejected r) {
        var w = new Writer();
        w.buf.putShort(r.error().code());
        w.string(r.message());
        return frame(REJECTED, w.done());
    }

    static Rejected decodeRejected(ByteBuffer b) {
        return new Rejected(ErrorCode.forCode(b.getShort()), string(b));
    }

    static ByteBuffer encode(Fetch f) {
        var w = new Writer();
        w.buf.putInt(f.maxWaitMs()).putInt(f.maxBytes()).putInt(f.partitions().size());
        for (PartitionFetch p : f.partitions()) {
            w.tp(p.tp());
            w.buf.putInt(p.leaderEpoch()).putLong(p.fetchOffset()).putLong(p.highWatermark());
        }
        return frame(FETCH, w.done());
    }

    static Fetch decodeFetch(ByteBuffer b) {
        int maxWait = b.getInt();
        int maxBytes = b.getInt();
        int n = b.getInt();
        List<PartitionFetch> partitions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            partitions.add(new PartitionFetch(tp(b), b.getInt(), b.getLong(), b.getLong()));
        }
        return new Fetch(maxWait, maxBytes, partitions);
    }

    /** The part of a fetch response partition that precedes its record bytes. */
    static ByteBuffer partitionDataHeader(TopicPartition tp, ErrorCode error, long hw, long logStart, long logEnd,
            int recordsSize) {
        var w = new Writer();
        w.tp(tp);
        w.buf.putShort(error.code()).putLong(hw).putLong(logStart).putLong(logEnd).putInt(recordsSize);
        return w.done();
    }

    static List<PartitionData> decodeFetchResponse(ByteBuffer b) {
        int n = b.getInt();
        List<PartitionData> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            TopicPartition tp = tp(b);
            ErrorCode error = ErrorCode.forCode(b.getShort());
            long hw = b.getLong();
            long start = b.getLong();
            long end = b.getLong();
            int size = b.getInt();
            ByteBuffer records = b.slice(b.position(), size);
            b.position(b.position() + size);
            out.add(new PartitionData(tp, error, hw, start, end, records));
        }
        return out;
    }

    static ByteBuffer encode(EpochRequest r) {
        var w = new Writer();
        w.buf.putInt(r.partitions().size());
        for (EpochQuery q : r.partitions()) {
            w.tp(q.tp());
            w.buf.putInt(q.leaderEpoch()).putInt(q.epoch());
        }
        return frame(EPOCH_REQUEST, w.done());
    }

    static EpochRequest decodeEpochRequest(ByteBuffer b) {
        int n = b.getInt();
        List<EpochQuery> queries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            queries.add(new EpochQuery(tp(b), b.getInt(), b.getInt()));
        }
        return new EpochRequest(queries);
    }

    static ByteBuffer encodeEpochResponse(List<EpochAnswer> answers) {
        var w = new Writer();
        w.buf.putInt(answers.size());
        for (EpochAnswer a : answers) {
            w.tp(a.tp());
            w.buf.putShort(a.error().code()).putInt(a.epoch()).putLong(a.endOffset()).putLong(a.logStartOffset());
        }
        return frame(EPOCH_RESPONSE, w.done());
    }

    static List<EpochAnswer> decodeEpochResponse(ByteBuffer b) {
        int n = b.getInt();
        List<EpochAnswer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new EpochAnswer(tp(b), ErrorCode.forCode(b.getShort()), b.getInt(), b.getLong(), b.getLong()));
        }
        return out;
    }

    private static TopicPartition tp(ByteBuffer b) {
        return new TopicPartition(string(b), b.getInt());
    }

    private static String string(ByteBuffer b) {
        int len = b.getShort() & 0xFFFF;
        byte[] bytes = new byte[len];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A growable big-endian body. */
    private static final class Writer {
        ByteBuffer buf = ByteBuffer.allocate(256);

        void string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            ensure(2 + bytes.length);
            buf.putShort((short) bytes.length).put(bytes);
        }

        void tp(TopicPartition tp) {
            string(tp.topic());
            ensure(64);
            buf.putInt(tp.partition());
        }

        private void ensure(int more) {
            if (buf.remaining() < more + 64) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more + 64));
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        ByteBuffer done() {
            return buf.flip();
        }
    }
}
