package io.chronik.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.chronik.config.HostPort;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/**
 * A client of one node's admin API, used by {@code chronik cluster ...}. Every failure is an
 * {@link AdminApiException} with a one-line message that names the node, its address and what went wrong.
 */
public final class AdminApiClient implements AutoCloseable {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Longer than the node's own forwarding timeout, so a forwarded request's failure reaches the caller. */
    static final Duration REQUEST_TIMEOUT = LeaderForwarder.REQUEST_TIMEOUT.plusSeconds(5);

    private final String target;
    private final HostPort address;
    private final String apiKey;
    private final HttpClient http;

    /**
     * @param target  how messages name the node, e.g. {@code node 1} (null when only the address is known)
     * @param address the node's admin API
     * @param apiKey  sent as {@code X-API-Key}
     */
    public AdminApiClient(String target, HostPort address, String apiKey) {
        this.target = (target == null ? "the admin API" : "the admin API of " + target) + " at " + address;
        this.address = address;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** {@code GET /admin/status}. */
    public ClusterStatus status() throws AdminApiException, InterruptedException {
        String body = send(AdminEndpoint.STATUS, HttpRequest.BodyPublishers.noBody());
        try {
            return AdminJson.MAPPER.readValue(body, ClusterStatus.class);
        } catch (JsonProcessingException e) {
            throw new AdminApiException(target + " answered a status that is not valid JSON: "
                    + e.getOriginalMessage(), 200);
        }
    }

    /** {@code POST /admin/add-node} or {@code /admin/remove-node}; returns the answer's message (or body). */
    public String change(MembershipChange change) throws AdminApiException, InterruptedException {
        var endpoint = change instanceof MembershipChange.AddNode ? AdminEndpoint.ADD_NODE : AdminEndpoint.REMOVE_NODE;
        String body = send(endpoint, HttpRequest.BodyPublishers.ofString(change.toJson().toString()));
        JsonNode message = parseOrNull(body) instanceof JsonNode json ? json.get("message") : null;
        return message != null && message.isTextual() ? message.textValue() : body;
    }

    private String send(AdminEndpoint endpoint, HttpRequest.BodyPublisher body)
            throws AdminApiException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + endpoint.path))
                .timeout(REQUEST_TIMEOUT)
                .header(AdminRoutes.API_KEY_HEADER, apiKey)
                .header("Content-Type", "application/json")
                .method(endpoint.method, body)
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("no connection within " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            throw unreachable("no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (ConnectException e) {
            throw unreachable(e.getCause() instanceof UnresolvedAddressException
                    ? "unknown host " + address.host() : "connection refused");
        } catch (IOException e) {
            throw unreachable(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return response.body();
        }
        String error = errorMessage(response.body());
        if (status == 401) {
            throw new AdminApiException(target + " rejected the key (" + error + "); set CHRONIK_ADMIN_API_KEY to "
                    + "the key in the node's log: grep \"Admin API key\" <node log> | awk '{print $NF}'", status);
        }
        throw new AdminApiException(target + " answered " + status + ": " + error, status);
    }

    private AdminApiException unreachable(String why) {
        return new AdminApiException("cannot reach " + target + ": " + why, 0);
    }

    /** The {@code error} of a JSON error body, else the body itself (shortened). */
    private static String errorMessage(String body) {
        JsonNode error = parseOrNull(body) instanceof JsonNode json ? json.get("error") : null;
        if (error != null && error.isTextual()) {
            return error.textValue();
        }
        String text = body.strip().replaceAll("\\s+", " ");
        return text.isEmpty() ? "(no body)" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static JsonNode parseOrNull(String body) {
        try {
            return AdminJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
