package io.chronik.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.testing.ChronikTestServer;
import io.chronik.testing.RawKafkaConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames that break the protocol close only their own connection; the server and other clients carry on. */
class MalformedRequestsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    @TempDir
    static Path dir;
    private static ChronikTestServer server;
    private static RawKafkaConnection bystander;

    @BeforeAll
    static void start() throws IOException {
        server = ChronikTestServer.start(dir);
        bystander = new RawKafkaConnection("127.0.0.1", server.port(), TIMEOUT);
    }

    @AfterAll
    static void stop() throws IOException {
        bystander.close();
        server.close();
    }

    private static void assertClosesOnlyThisConnection(byte[] bytes, boolean thenHalfClose) throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection("127.0.0.1", server.port(), TIMEOUT)) {
            c.sendBytes(bytes);
            if (thenHalfClose) {
                c.shutdownOutput();
            }
            assertTrue(c.closedByServer(), "the server should close the connection");
        }
        bystander.send(ApiKeys.API_VERSIONS, (short) 3, 1, new ApiVersionsRequestData()
                .setClientSoftwareName("bystander").setClientSoftwareVersion("1"));
        assertEquals(1, bystander.receive(ApiKeys.API_VERSIONS, (short) 3).correlationId());
        assertEquals(Set.of(), server.admin().listTopics().names().get());
    }

    private static byte[] sizePrefix(int size, byte[] rest) {
        return ByteBuffer.allocate(4 + rest.length).putInt(size).put(rest).array();
    }

    private static byte[] header(int apiKey, int version) {
        return ByteBuffer.allocate(10).putShort((short) apiKey).putShort((short) version).putInt(9).putShort((short) -1)
                .array();
    }

    @Test
    void garbageBytesCloseTheConnection() throws Exception {
        byte[] garbage = new byte[64];
        Arrays.fill(garbage, (byte) 0x7f);
        assertClosesOnlyThisConnection(sizePrefix(64, garbage), false);
    }

    @Test
    void aNegativeOrZeroSizeClosesTheConnection() throws Exception {
        assertClosesOnlyThisConnection(sizePrefix(-5, new byte[8]), false);
        assertClosesOnlyThisConnection(sizePrefix(0, new byte[8]), false);
    }

    @Test
    void aSizeOverTheMaximumClosesTheConnection() throws Exception {
        assertClosesOnlyThisConnection(sizePrefix(server.config().kafka().maxRequestBytes() + 1, new byte[8]), false);
    }

    @Test
    void aFrameTruncatedByTheClientIsDropped() throws Exception {
        byte[] full = RawKafkaConnection.frame(ApiKeys.METADATA, (short) 12, 1,
                new MetadataRequestData().setTopics(null));
        assertClosesOnlyThisConnection(Arrays.copyOf(full, full.length - 3), true);
    }

    @Test
    void anUnknownApiKeyClosesTheConnection() throws Exception {
        assertClosesOnlyThisConnection(sizePrefix(10, header(9999, 0)), false);
    }

    @Test
    void anApiThatIsNotServedClosesTheConnection() throws Exception {
        // LeaderAndIsr is an inter-broker API no Kafka 4 broker serves to clients
        assertClosesOnlyThisConnection(sizePrefix(10, header(ApiKeys.LEADER_AND_ISR.id, 0)), false);
    }

    @Test
    void aVersionOutsideTheServedRangeClosesTheConnection() throws Exception {
        assertClosesOnlyThisConnection(sizePrefix(10, header(ApiKeys.METADATA.id, 99)), false);
        assertClosesOnlyThisConnection(sizePrefix(10, header(ApiKeys.PRODUCE.id, 2)), false);
    }

    @Test
    void aBodyThatDoesNotParseClosesTheConnection() throws Exception {
        // CreateTopics v4 whose topic array claims 1000 entries that are not there
        byte[] header = header(ApiKeys.CREATE_TOPICS.id, 4);
        byte[] frame = ByteBuffer.allocate(header.length + 4).put(header).putInt(1000).array();
        assertClosesOnlyThisConnection(sizePrefix(frame.length, frame), false);
    }
}
