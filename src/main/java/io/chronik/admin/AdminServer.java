package io.chronik.admin;

import com.sun.net.httpserver.HttpServer;
import io.chronik.config.HostPort;
import io.chronik.metadata.MetadataImage;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP admin API ({@code docs/admin-api.md}) on {@link com.sun.net.httpserver.HttpServer}, one virtual
 * thread per request. Endpoints and their rules are in {@link AdminRoutes}.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final HttpServer http;
    private final ExecutorService executor;
    private final LeaderForwarder forwarder;

    private AdminServer(HttpServer http, ExecutorService executor, LeaderForwarder forwarder) {
        this.http = http;
        this.executor = executor;
        this.forwarder = forwarder;
    }

    /** Like {@link #start(HostPort, Supplier, ClusterMembers, Supplier, IntFunction)} with a fixed key. */
    public static AdminServer start(HostPort bind, AdminApiKey key, ClusterMembers members,
                                    Supplier<MetadataImage> metadata,
                                    IntFunction<Optional<HostPort>> adminAddresses) throws IOException {
        return start(bind, () -> key, members, metadata, adminAddresses);
    }

    /**
     * Binds {@code bind} and starts answering.
     *
     * @param key            the key requests must present, read for every request; null while a cluster node does
     *                       not know the cluster's key yet (keyed requests then get 503)
     * @param members        the configured nodes (status reports them; forwarding looks up the leader among them)
     * @param metadata       the node's latest metadata image; its controller is the Raft leader
     * @param adminAddresses where each node's admin API listens, for forwarding to the leader (normally
     *                       {@link ClusterMembers#adminAddress})
     * @throws BindException naming the address when it is taken
     */
    public static AdminServer start(HostPort bind, Supplier<AdminApiKey> key, ClusterMembers members,
                                    Supplier<MetadataImage> metadata,
                                    IntFunction<Optional<HostPort>> adminAddresses) throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(bind.host(), bind.port()), 0);
        } catch (BindException e) {
            var named = new BindException("Admin API cannot bind " + bind + ": " + e.getMessage());
            named.initCause(e);
            throw named;
        }
        var forwarder = new LeaderForwarder(members.selfId(), adminAddresses);
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.createContext("/", new AdminRoutes(key, members, metadata, forwarder));
        http.start();
        var server = new AdminServer(http, executor, forwarder);
        LOG.info("Admin API on http://{} ({})", server.address(bind.host()), AdminEndpoint.list());
        return server;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    private HostPort address(String host) {
        return new HostPort(host, port());
    }

    /** Stops accepting, abandons requests in progress (a forwarded request may wait for the leader). */
    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
        forwarder.close();
    }
}
