package io.chronik.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronik.config.HostPort;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A requested change of the Raft membership, parsed from the JSON body of {@code POST /admin/add-node} or
 * {@code POST /admin/remove-node} (the cluster guide's bodies). Parsing is strict: a missing, mistyped or unknown
 * field is a {@link BadRequestException} naming it.
 */
public sealed interface MembershipChange {

    int MAX_NODE_ID = 255;

    /** The operation's name, as in its path ({@code add-node}). */
    String operation();

    /** The JSON body of this change. */
    ObjectNode toJson();

    /** {@code {"node_id":4,"kafka_addr":"h:9092","wal_addr":"h:9291","raft_addr":"h:5001"}}. */
    record AddNode(int nodeId, HostPort kafka, HostPort wal, HostPort raft) implements MembershipChange {

        static final List<String> FIELDS = List.of("node_id", "kafka_addr", "wal_addr", "raft_addr");

        static AddNode parse(JsonNode body) {
            ObjectNode object = object(body, FIELDS);
            return new AddNode(parseNodeId(object), parseAddress(object, "kafka_addr"), parseAddress(object, "wal_addr"),
                    parseAddress(object, "raft_addr"));
        }

        @Override
        public String operation() {
            return "add-node";
        }

        @Override
        public ObjectNode toJson() {
            return AdminJson.MAPPER.createObjectNode().put("node_id", nodeId).put("kafka_addr", kafka.toString())
                    .put("wal_addr", wal.toString()).put("raft_addr", raft.toString());
        }
    }

    /** {@code {"node_id":4,"force":false}}; {@code force} is optional and defaults to false. */
    record RemoveNode(int nodeId, boolean force) implements MembershipChange {

        static final List<String> FIELDS = List.of("node_id", "force");

        static RemoveNode parse(JsonNode body) {
            ObjectNode object = object(body, FIELDS);
            JsonNode force = object.get("force");
            if (force != null && !force.isBoolean()) {
                throw new BadRequestException("field 'force' must be true or false, got " + force);
            }
            return new RemoveNode(parseNodeId(object), force != null && force.booleanValue());
        }

        @Override
        public String operation() {
            return "remove-node";
        }

        @Override
        public ObjectNode toJson() {
            return AdminJson.MAPPER.createObjectNode().put("node_id", nodeId).put("force", force);
        }
    }

    private static ObjectNode object(JsonNode body, List<String> fields) {
        if (!(body instanceof ObjectNode object)) {
            throw new BadRequestException("the body must be a JSON object with " + String.join(", ", fields)
                    + ", got " + describe(body));
        }
        Set<String> known = Set.copyOf(fields);
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new BadRequestException("unknown field '" + name + "' (expected " + String.join(", ", fields)
                        + ")");
            }
        }
        return object;
    }

    private static int parseNodeId(ObjectNode object) {
        JsonNode value = required(object, "node_id");
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1
                || value.intValue() > MAX_NODE_ID) {
            throw new BadRequestException("field 'node_id' must be an integer 1-" + MAX_NODE_ID + ", got " + value);
        }
        return value.intValue();
    }

    private static HostPort parseAddress(ObjectNode object, String field) {
        JsonNode value = required(object, field);
        if (!value.isTextual()) {
            throw new BadRequestException("field '" + field + "' must be a \"host:port\" string, got " + value);
        }
        try {
            HostPort address = HostPort.parse(value.textValue());
            if (address.port() < 1) {
                throw new IllegalArgumentException("port 0");
            }
            return address;
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("field '" + field + "' must be host:port with a port in 1-65535, got "
                    + value);
        }
    }

    private static JsonNode required(ObjectNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw new BadRequestException("missing field '" + field + "'");
        }
        return value;
    }

    private static String describe(JsonNode node) {
        return node == null || node.isMissingNode() ? "nothing" : node.toString();
    }
}
