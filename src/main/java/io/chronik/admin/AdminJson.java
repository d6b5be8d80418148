package io.chronik.admin;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** The JSON mapping of the admin API, shared by the server and {@link AdminApiClient}. Thread-safe. */
final class AdminJson {

    /** Ignores unknown properties when reading responses, so a newer server's extra fields do not break a client. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private AdminJson() {
    }

    /**
     * Parses a request body.
     *
     * @throws BadRequestException naming the problem and its line and column, as Jackson reports them
     */
    static JsonNode parseBody(byte[] body) {
        if (body.length == 0) {
            throw new BadRequestException("the body is empty; expected a JSON object");
        }
        try (JsonParser parser = MAPPER.createParser(body)) {
            JsonNode tree = MAPPER.readTree(parser);
            if (parser.nextToken() != null) {
                throw new BadRequestException("invalid JSON" + at(parser.currentTokenLocation())
                        + ": unexpected content after the end of the value");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new BadRequestException("invalid JSON" + at(e.getLocation()) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String at(JsonLocation where) {
        return where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /** {@code {"error":"<message>"}}, the body of every admin error. */
    static byte[] error(String message) {
        return write(Map.of("error", message));
    }
}
