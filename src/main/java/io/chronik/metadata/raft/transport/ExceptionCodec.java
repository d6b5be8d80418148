package io.chronik.metadata.raft.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/**
 * Carries a server-side {@link IOException} (ServerNotReadyException, GroupMismatchException, ...) back to the caller
 * as Java serialization, as ratis-netty does with {@code ProtoUtils.writeObject2ByteString}, so Ratis sees the same
 * exception types on every transport. Unlike ProtoUtils, decoding only accepts classes of {@code java.*} and
 * {@code org.apache.ratis.*} and a bounded object graph.
 */
final class ExceptionCodec {

    private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=20;maxrefs=10000;maxbytes=1048576;java.**;org.apache.ratis.**;!*");

    private ExceptionCodec() {
    }

    static byte[] encode(Throwable error) {
        IOException e = error instanceof IOException io ? io : new IOException(error.toString(), error);
        var bytes = new ByteArrayOutputStream();
        try (var out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        } catch (IOException notSerializable) {
            return encode(new IOException(e.toString()));
        }
        return bytes.toByteArray();
    }

    static IOException decode(byte[] payload) {
        try (var in = new ObjectInputStream(new ByteArrayInputStream(payload))) {
            in.setObjectInputFilter(FILTER);
            Object o = in.readObject();
            return o instanceof IOException e ? e : new IOException("Raft peer failed: " + o);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            return new IOException("Raft peer sent an unreadable error: " + e, e);
        }
    }
}
