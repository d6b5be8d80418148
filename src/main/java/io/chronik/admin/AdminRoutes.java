package io.chronik.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.chronik.metadata.MetadataImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every admin request: routing (404, 405), authentication (401), then the endpoint. Status and health are
 * answered by the receiving node from its replicated metadata image; membership changes are validated here (400)
 * and then carried out by the Raft leader: the receiving node forwards them to it when it is not the leader itself.
 * Every response is JSON; errors are {@code {"error":"<message>"}}.
 */
final class AdminRoutes implements HttpHandler {

    static final String API_KEY_HEADER = "X-API-Key";
    /** Largest request body read; membership bodies are a few hundred bytes. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);

    private final Supplier<AdminApiKey> key;
    private final ClusterMembers members;
    private final Supplier<MetadataImage> metadata;
    private final LeaderForwarder forwarder;

    /** @param key the key requests must present; null while a cluster node has not learnt the cluster's key */
    AdminRoutes(Supplier<AdminApiKey> key, ClusterMembers members, Supplier<MetadataImage> metadata,
                LeaderForwarder forwarder) {
        this.key = key;
        this.members = members;
        this.metadata = metadata;
        this.forwarder = forwarder;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            AdminResponse response;
            try {
                response = respond(exchange);
            } catch (BadRequestException e) {
                response = error(400, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                response = error(503, "the node is shutting down");
            } catch (RuntimeException e) {
                LOG.warn("Admin request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                response = error(500, "internal error: " + e);
            }
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", "application/json");
            headers.set(LeaderForwarder.NODE_HEADER, Integer.toString(response.answeredBy()));
            exchange.sendResponseHeaders(response.status(), response.body().length);
            exchange.getResponseBody().write(response.body());
        }
    }

    private AdminResponse respond(HttpExchange exchange) throws IOException, InterruptedException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        var endpoint = AdminEndpoint.at(path).orElse(null);
        if (endpoint == null) {
            return error(404, "no such endpoint: " + method + " " + path + " (the admin API has "
                    + AdminEndpoint.list() + ")");
        }
        if (!endpoint.method.equals(method)) {
            exchange.getResponseHeaders().set("Allow", endpoint.method);
            return error(405, method + " is not allowed on " + path + "; use " + endpoint.method);
        }
        if (endpoint.needsKey) {
            String presented = exchange.getRequestHeaders().getFirst(API_KEY_HEADER);
            if (presented == null) {
                return error(401, "missing X-API-Key header");
            }
            AdminApiKey expected = key.get();
            if (expected == null) {
                return error(503, "node " + members.selfId() + " does not know the cluster's admin key yet: the Raft "
                        + "leader commits it once a majority is up (waiting for quorum); retry");
            }
            if (!expected.matches(presented)) {
                return error(401, "invalid X-API-Key");
            }
        }
        MetadataImage image = metadata.get();
        return switch (endpoint) {
            case HEALTH -> AdminResponse.ok(new HealthStatus("ok", members.selfId(),
                    image.controllerId() == members.selfId(), ClusterStatus.leaderOf(image)), members.selfId());
            case STATUS -> AdminResponse.ok(ClusterStatus.of(members, image), members.selfId());
            case ADD_NODE, REMOVE_NODE -> changeMembership(exchange, endpoint, image);
        };
    }

    private AdminResponse changeMembership(HttpExchange exchange, AdminEndpoint endpoint, MetadataImage image)
            throws IOException, InterruptedException {
        byte[] body = readBody(exchange.getRequestBody());
        if (body == null) {
            return error(413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        var json = AdminJson.parseBody(body);
        MembershipChange change = endpoint == AdminEndpoint.ADD_NODE
                ? MembershipChange.AddNode.parse(json) : MembershipChange.RemoveNode.parse(json);
        Integer leader = ClusterStatus.leaderOf(image);
        if (leader == null) {
            return error(503, "no Raft leader (waiting for quorum)");
        }
        if (leader != members.selfId()) {
            String forwardedBy = exchange.getRequestHeaders().getFirst(LeaderForwarder.FORWARDED_HEADER);
            if (forwardedBy != null) {
                return error(503, "node " + members.selfId() + " is not the Raft leader (it sees node " + leader
                        + "), although node " + forwardedBy + " forwarded to it; the leader is changing, retry");
            }
            return forwarder.forward(leader, endpoint, change.toJson().toString().getBytes(StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst(API_KEY_HEADER));
        }
        // Membership changes through Raft are delivered by a later issue; until then the leader says so.
        return error(501, "membership changes are not supported yet (" + change.operation() + ")");
    }

    /** The body, or null when it is larger than {@link #MAX_BODY_BYTES}. */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
    }

    private AdminResponse error(int status, String message) {
        return AdminResponse.error(status, message, members.selfId());
    }
}
