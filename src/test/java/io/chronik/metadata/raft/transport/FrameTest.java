package io.chronik.metadata.raft.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameTest {

    @Test
    void framesRoundTripWithVarintLengthAndCallId() throws IOException {
        var out = new ByteArrayOutputStream();
        new Frame(RpcKind.APPEND_ENTRIES.code, 300, new byte[] {1, 2, 3}).writeTo(out);
        new Frame(Frame.ERROR, Long.MAX_VALUE, new byte[0]).writeTo(out);
        byte[] bytes = out.toByteArray();
        // length 6 = type + 2-byte varint(300) + 3 payload bytes
        assertEquals(6, bytes[0]);
        assertEquals(RpcKind.APPEND_ENTRIES.code, bytes[1]);
        var in = new ByteArrayInputStream(bytes);
        Frame first = Frame.readFrom(in, 1024);
        assertEquals(300, first.callId());
        assertArrayEquals(new byte[] {1, 2, 3}, first.payload());
        Frame second = Frame.readFrom(in, 1024);
        assertEquals(Frame.ERROR, second.type());
        assertEquals(Long.MAX_VALUE, second.callId());
        assertEquals(0, second.payload().length);
    }

    @Test
    void frameLargerThanTheLimitIsRejectedBeforeItIsRead() throws IOException {
        var out = new ByteArrayOutputStream();
        new Frame(RpcKind.INSTALL_SNAPSHOT.code, 1, new byte[2000]).writeTo(out);
        var e = assertThrows(ProtocolException.class,
                () -> Frame.readFrom(new ByteArrayInputStream(out.toByteArray()), 1024));
        assertEquals("Raft frame of 2002 bytes (limit 1024)", e.getMessage());
    }

    @Test
    void streamEndingInsideAFrameIsEndOfFile() throws IOException {
        var out = new ByteArrayOutputStream();
        new Frame(RpcKind.REQUEST_VOTE.code, 7, new byte[100]).writeTo(out);
        byte[] truncated = Arrays.copyOf(out.toByteArray(), 50);
        assertThrows(EOFException.class, () -> Frame.readFrom(new ByteArrayInputStream(truncated), 1024));
        assertThrows(EOFException.class, () -> Frame.readFrom(new ByteArrayInputStream(new byte[0]), 1024));
    }

    @Test
    void everyKindHasAStableDistinctCode() {
        for (RpcKind kind : RpcKind.values()) {
            assertEquals(kind, RpcKind.of(kind.code));
        }
        assertEquals(null, RpcKind.of((byte) 0));
        assertEquals(null, RpcKind.of((byte) 99));
        assertEquals(13, RpcKind.LEADER_ELECTION_MANAGEMENT.code);
    }
}
