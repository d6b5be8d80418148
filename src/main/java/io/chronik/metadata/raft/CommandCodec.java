package io.chronik.metadata.raft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.metadata.MetadataCommand;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The bytes of a {@link MetadataCommand} in a Raft log entry, and of the result its application returns to the
 * submitter.
 *
 * <p>Command: UTF-8 JSON {@code {"type":"<record simple name>","command":{<record components>}}} (the same shape as
 * the standalone journal). Result: {@code {}} when the command applied, or
 * {@code {"error":"<ErrorCode name>","message":"..."}} when the state machine rejected it (every node rejects it
 * alike, so the image is unchanged everywhere). Adding a command record is compatible; removing or renaming one is
 * not (an old log would not replay). Thread-safe.
 */
final class CommandCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Class<?>> TYPES = Stream.of(MetadataCommand.class.getPermittedSubclasses())
            .collect(Collectors.toMap(Class::getSimpleName, Function.identity()));

    private CommandCodec() {
    }

    static byte[] encode(MetadataCommand command) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", command.getClass().getSimpleName());
        node.set("command", JSON.valueToTree(command));
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize " + command, e);
        }
    }

    /** @throws IOException when the bytes are not a command this version knows */
    static MetadataCommand decode(byte[] bytes) throws IOException {
        JsonNode node = JSON.readTree(bytes);
        Class<?> type = TYPES.get(node.path("type").asText());
        if (type == null || !node.has("command")) {
            throw new IOException("unknown metadata command type '" + node.path("type").asText() + "'");
        }
        return (MetadataCommand) JSON.treeToValue(node.get("command"), type);
    }

    static byte[] success() {
        return "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] failure(ChronikException e) {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", e.error().name());
        node.put("message", e.getMessage());
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** @throws ChronikException carrying the state machine's error when the result is a failure */
    static void throwIfFailure(byte[] result) {
        JsonNode node;
        try {
            node = JSON.readTree(result);
        } catch (IOException e) {
            throw new ChronikException(ErrorCode.UNKNOWN_SERVER_ERROR, "Unreadable metadata command result");
        }
        if (node.has("error")) {
            ErrorCode code;
            try {
                code = ErrorCode.valueOf(node.get("error").asText());
            } catch (IllegalArgumentException unknown) {
                code = ErrorCode.UNKNOWN_SERVER_ERROR;
            }
            throw new ChronikException(code, node.path("message").asText());
        }
    }
}
