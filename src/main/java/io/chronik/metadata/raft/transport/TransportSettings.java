package io.chronik.metadata.raft.transport;

import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.TimeDuration;

/**
 * The transport's settings, read from the {@link RaftProperties} a Ratis server or client is built with. Our own keys
 * live under {@code chronik.raft.transport.*}; the request timeouts are Ratis's own
 * ({@code raft.server.rpc.request.timeout} for server-to-server calls, {@code raft.client.rpc.request.timeout} for
 * client calls).
 *
 * @param bindHost          address the Raft listener binds ({@code 0.0.0.0}: all interfaces)
 * @param bindPort          port the Raft listener binds (0 picks a free one)
 * @param connectTimeout    bound on one TCP connect to a peer
 * @param maxFrameBytes     largest frame accepted or sent; must exceed the snapshot chunk size and the appender's
 *                          byte limit
 * @param maxReconnectDelay longest wait between two connect attempts to an unreachable peer (the wait doubles from
 *                          50 ms up to this)
 * @param serverRequestTimeout bound on a synchronous server-to-server call
 * @param clientRequestTimeout bound on a client call (plus the request's own timeout, e.g. of a watch)
 */
public record TransportSettings(
        String bindHost,
        int bindPort,
        TimeDuration connectTimeout,
        int maxFrameBytes,
        TimeDuration maxReconnectDelay,
        TimeDuration serverRequestTimeout,
        TimeDuration clientRequestTimeout) {

    public static final String PREFIX = "chronik.raft.transport";
    public static final String BIND_HOST_KEY = PREFIX + ".bind.host";
    public static final String BIND_PORT_KEY = PREFIX + ".bind.port";
    public static final String CONNECT_TIMEOUT_KEY = PREFIX + ".connect.timeout";
    public static final String MAX_FRAME_BYTES_KEY = PREFIX + ".max.frame.bytes";
    public static final String MAX_RECONNECT_DELAY_KEY = PREFIX + ".max.reconnect.delay";

    static final TimeDuration CONNECT_TIMEOUT_DEFAULT = TimeDuration.valueOf(2, TimeUnit.SECONDS);
    static final int MAX_FRAME_BYTES_DEFAULT = 64 << 20;
    static final TimeDuration MAX_RECONNECT_DELAY_DEFAULT = TimeDuration.valueOf(1, TimeUnit.SECONDS);

    /** Reads the settings; unset keys take their defaults. */
    public static TransportSettings of(RaftProperties properties) {
        return new TransportSettings(
                properties.get(BIND_HOST_KEY, "0.0.0.0"),
                properties.getInt(BIND_PORT_KEY, 0),
                properties.getTimeDuration(CONNECT_TIMEOUT_KEY, CONNECT_TIMEOUT_DEFAULT, TimeUnit.MILLISECONDS),
                properties.getInt(MAX_FRAME_BYTES_KEY, MAX_FRAME_BYTES_DEFAULT),
                properties.getTimeDuration(MAX_RECONNECT_DELAY_KEY, MAX_RECONNECT_DELAY_DEFAULT,
                        TimeUnit.MILLISECONDS),
                RaftServerConfigKeys.Rpc.requestTimeout(properties),
                RaftClientConfigKeys.Rpc.requestTimeout(properties));
    }

    /** Sets the address the Raft listener of a server built with {@code properties} binds. */
    public static void setBindAddress(RaftProperties properties, String host, int port) {
        properties.set(BIND_HOST_KEY, host);
        properties.setInt(BIND_PORT_KEY, port);
    }
}
