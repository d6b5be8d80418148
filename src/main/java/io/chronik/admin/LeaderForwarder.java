package io.chronik.admin;

import io.chronik.config.HostPort;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Sends an admin request that only the Raft leader may carry out to the leader's admin API, with the caller's key,
 * and returns the leader's answer unchanged (status and body). The request carries {@value #FORWARDED_HEADER} so the
 * receiver never forwards it again: two nodes with stale, differing views of the leader cannot bounce a request
 * between them. The HTTP client is created by the first forward: building one initialises the JDK's TLS stack, a
 * tenth of a second that a node's start-up (and a standalone node, which never forwards) should not pay. Thread-safe.
 */
final class LeaderForwarder implements AutoCloseable {

    /** Set on forwarded requests to the id of the forwarding node. */
    static final String FORWARDED_HEADER = "X-Chronik-Forwarded-By";
    /** Set on every response to the id of the node that produced it. */
    static final String NODE_HEADER = "X-Chronik-Node";

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final int selfId;
    private final IntFunction<Optional<HostPort>> adminAddresses;
    private HttpClient http;
    private boolean closed;

    /**
     * @param adminAddresses where each node's admin API listens (the address it registered, else by convention:
     *                       {@link ClusterMembers#adminAddress}); empty for an unknown node
     */
    LeaderForwarder(int selfId, IntFunction<Optional<HostPort>> adminAddresses) {
        this.selfId = selfId;
        this.adminAddresses = adminAddresses;
    }

    private synchronized HttpClient http() throws IOException {
        if (closed) {
            throw new IOException("the admin API is closing");
        }
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        }
        return http;
    }

    /** Blocks until the leader answers, or fails with 503/504 naming the leader and what went wrong. */
    AdminResponse forward(int leaderId, AdminEndpoint endpoint, byte[] body, String apiKey)
            throws InterruptedException {
        Optional<HostPort> address = adminAddresses.apply(leaderId);
        if (address.isEmpty()) {
            return AdminResponse.error(503, "the Raft leader (node " + leaderId + ") is not among this node's "
                    + "[[peers]]; cannot forward to it", selfId);
        }
        String leader = "the Raft leader (node " + leaderId + ") at " + address.get();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address.get() + endpoint.path))
                .timeout(REQUEST_TIMEOUT)
                .header(AdminRoutes.API_KEY_HEADER, apiKey)
                .header(FORWARDED_HEADER, Integer.toString(selfId))
                .header("Content-Type", "application/json")
                .method(endpoint.method, endpoint.method.equals("GET")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            return AdminResponse.error(504, leader + " did not answer within " + REQUEST_TIMEOUT.toSeconds()
                    + " s", selfId);
        } catch (ConnectException e) {
            return AdminResponse.error(503, "cannot reach " + leader + ": connection refused", selfId);
        } catch (IOException e) {
            return AdminResponse.error(503, "cannot reach " + leader + ": " + e, selfId);
        }
        if (response.statusCode() == 401) {
            return AdminResponse.error(401, leader + " rejected the forwarded X-API-Key; every node of a cluster "
                    + "needs the same key (set the same CHRONIK_ADMIN_API_KEY on all of them, or on none to share the "
                    + "cluster's generated key)", leaderId);
        }
        return new AdminResponse(response.statusCode(), response.body(), leaderId);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (http != null) {
            http.shutdownNow();
        }
    }
}
