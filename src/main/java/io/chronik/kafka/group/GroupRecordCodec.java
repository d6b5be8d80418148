package io.chronik.kafka.group;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chronik.common.TopicPartition;
import io.chronik.group.CommittedOffset;
import io.chronik.group.GroupRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The byte encoding of {@link GroupRecord}s in {@code __consumer_offsets}: UTF-8 JSON keys and values (Chronik's own
 * format, not Kafka's binary schemas; see docs/consumer-groups.md).
 *
 * <pre>
 * offset key:   {"v":1,"type":"offset","group":G,"topic":T,"partition":P}
 * offset value: {"v":1,"offset":O,"leaderEpoch":E,"metadata":M,"commitTimestamp":MS}
 * group key:    {"v":1,"type":"group","group":G}
 * group value:  {"v":1,"protocolType":..,"generation":N,"protocol":..,"leader":..,"stateTimestamp":MS,
 *                "members":[{"memberId":..,"groupInstanceId":..,"clientId":..,"clientHost":..,
 *                            "rebalanceTimeoutMs":..,"sessionTimeoutMs":..,"metadata":BASE64,"assignment":BASE64}]}
 * tombstone:    the key with a null value
 * </pre>
 * Keys are written field by field in a fixed order, so equal keys are equal bytes and compaction keeps the latest
 * value of each. Thread-safe.
 */
final class GroupRecordCodec {

    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.ALWAYS)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    record Key(int v, String type, String group, String topic, Integer partition) {}

    record OffsetValue(int v, long offset, int leaderEpoch, String metadata, long commitTimestamp) {}

    record MemberValue(String memberId, String groupInstanceId, String clientId, String clientHost,
            int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] metadata, byte[] assignment) {}

    record GroupValue(int v, String protocolType, int generation, String protocol, String leader,
            long stateTimestamp, List<MemberValue> members) {}

    private GroupRecordCodec() {
    }

    static byte[] key(GroupRecord record) {
        return switch (record) {
            case GroupRecord.OffsetCommit c -> write(new Key(VERSION, "offset", c.groupId(), c.partition().topic(),
                    c.partition().partition()));
            case GroupRecord.GroupMetadata g -> write(new Key(VERSION, "group", g.groupId(), null, null));
        };
    }

    /** The value bytes, or null for a tombstone. */
    static byte[] value(GroupRecord record) {
        return switch (record) {
            case GroupRecord.OffsetCommit c -> c.value() == null ? null : write(new OffsetValue(VERSION,
                    c.value().offset(), c.value().leaderEpoch(), c.value().metadata(), c.value().commitTimestamp()));
            case GroupRecord.GroupMetadata g -> {
                if (g.value() == null) {
                    yield null;
                }
                var s = g.value();
                List<MemberValue> members = s.members().stream().map(m -> new MemberValue(m.memberId(),
                        m.groupInstanceId(), m.clientId(), m.clientHost(), m.rebalanceTimeoutMs(),
                        m.sessionTimeoutMs(), m.metadata(), m.assignment())).toList();
                yield write(new GroupValue(VERSION, s.protocolType(), s.generationId(), s.protocolName(),
                        s.leaderId(), s.stateTimestamp(), members));
            }
        };
    }

    /**
     * Decodes one record.
     *
     * @throws IOException when the key or value is not in this format
     */
    static GroupRecord decode(byte[] keyBytes, byte[] valueBytes) throws IOException {
        Key key = JSON.readValue(keyBytes, Key.class);
        if (key.v() != VERSION || key.group() == null) {
            throw new IOException("Unsupported group record key " + new String(keyBytes));
        }
        switch (key.type()) {
            case "offset" -> {
                var tp = new TopicPartition(key.topic(), key.partition());
                if (valueBytes == null) {
                    return new GroupRecord.OffsetCommit(key.group(), tp, null);
                }
                OffsetValue v = JSON.readValue(valueBytes, OffsetValue.class);
                return new GroupRecord.OffsetCommit(key.group(), tp,
                        new CommittedOffset(v.offset(), v.leaderEpoch(), v.metadata(), v.commitTimestamp()));
            }
            case "group" -> {
                if (valueBytes == null) {
                    return new GroupRecord.GroupMetadata(key.group(), null);
                }
                GroupValue v = JSON.readValue(valueBytes, GroupValue.class);
                List<GroupRecord.MemberSnapshot> members = v.members().stream()
                        .map(m -> new GroupRecord.MemberSnapshot(m.memberId(), m.groupInstanceId(), m.clientId(),
                                m.clientHost(), m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), m.metadata(),
                                m.assignment()))
                        .toList();
                return new GroupRecord.GroupMetadata(key.group(), new GroupRecord.GroupSnapshot(v.protocolType(),
                        v.generation(), v.protocol(), v.leader(), v.stateTimestamp(), members));
            }
            default -> throw new IOException("Unknown group record type " + key.type());
        }
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
