package io.chronik.metadata.raft.transport;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.util.Arrays;

/**
 * One message on a transport connection, and its byte layout:
 * <pre>
 *   frame   = length:varint32  body[length]
 *   body    = type:byte  callId:varint64  payload[length - 1 - size(callId)]
 * </pre>
 * In a request, {@code type} is the {@link RpcKind} code and the payload is the kind's request proto. In a reply,
 * {@code type} is {@link #OK} (payload: the kind's reply proto) or {@link #ERROR} (payload: the server's
 * {@code IOException}, see {@link ExceptionCodec}). {@code callId} is chosen by the calling end of the connection,
 * unique per connection, and echoed by the reply, so replies may come back in any order. Varints are protobuf's
 * (little-endian base 128). A connection starts with the 4 bytes of {@link #MAGIC} from the connecting end.
 *
 * @param type    request kind code or reply status
 * @param callId  correlation id
 * @param payload serialized protobuf message (or exception)
 */
record Frame(byte type, long callId, byte[] payload) {

    static final byte OK = 0;
    static final byte ERROR = -1;
    /** First bytes on every connection: "CRF" and the wire-format version 1. */
    static final byte[] MAGIC = {'C', 'R', 'F', 1};

    void writeTo(OutputStream out) throws IOException {
        int bodyLength = 1 + varintSize(callId) + payload.length;
        writeVarint(out, bodyLength);
        out.write(type);
        writeVarint(out, callId);
        out.write(payload);
    }

    /**
     * Reads one frame.
     *
     * @throws EOFException      when the stream ends, cleanly between frames or in the middle of one
     * @throws ProtocolException when the frame exceeds {@code maxFrameBytes} or is malformed
     */
    static Frame readFrom(InputStream in, int maxFrameBytes) throws IOException {
        long length = readVarint(in);
        if (length < 2 || length > maxFrameBytes) {
            throw new ProtocolException("Raft frame of " + length + " bytes (limit " + maxFrameBytes + ")");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new EOFException("Raft connection closed inside a frame");
        }
        int[] position = {1};
        long callId = readVarint(body, position);
        return new Frame(body[0], callId, Arrays.copyOfRange(body, position[0], body.length));
    }

    static void writeMagic(BufferedOutputStream out) throws IOException {
        out.write(MAGIC);
        out.flush();
    }

    static void readMagic(InputStream in) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new ProtocolException("not a Chronik Raft connection (bad preamble)");
        }
    }

    static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    private static void writeVarint(OutputStream out, long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static long readVarint(InputStream in) throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("Raft connection closed");
            }
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new ProtocolException("malformed varint in a Raft frame");
    }

    private static long readVarint(byte[] buf, int[] position) throws ProtocolException {
        long result = 0;
        for (int shift = 0; shift < 64 && position[0] < buf.length; shift += 7) {
            int b = buf[position[0]++];
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new ProtocolException("malformed call id in a Raft frame");
    }
}
