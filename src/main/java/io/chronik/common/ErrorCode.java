package io.chronik.common;

/**
 * The Kafka protocol error codes Chronik's lower layers report, with Kafka's numeric codes, so the broker and
 * metadata layers can fail precisely without importing kafka-clients. The kafka layer maps a code to
 * {@code org.apache.kafka.common.protocol.Errors.forCode(code())}; a test checks that every name matches.
 */
public enum ErrorCode {
    NONE(0),
    UNKNOWN_SERVER_ERROR(-1),
    OFFSET_OUT_OF_RANGE(1),
    CORRUPT_MESSAGE(2),
    UNKNOWN_TOPIC_OR_PARTITION(3),
    INVALID_FETCH_SIZE(4),
    LEADER_NOT_AVAILABLE(5),
    NOT_LEADER_OR_FOLLOWER(6),
    REQUEST_TIMED_OUT(7),
    MESSAGE_TOO_LARGE(10),
    OFFSET_METADATA_TOO_LARGE(12),
    COORDINATOR_LOAD_IN_PROGRESS(14),
    COORDINATOR_NOT_AVAILABLE(15),
    NOT_COORDINATOR(16),
    INVALID_TOPIC_EXCEPTION(17),
    RECORD_LIST_TOO_LARGE(18),
    NOT_ENOUGH_REPLICAS(19),
    NOT_ENOUGH_REPLICAS_AFTER_APPEND(20),
    INVALID_REQUIRED_ACKS(21),
    ILLEGAL_GENERATION(22),
    INCONSISTENT_GROUP_PROTOCOL(23),
    INVALID_GROUP_ID(24),
    UNKNOWN_MEMBER_ID(25),
    INVALID_SESSION_TIMEOUT(26),
    REBALANCE_IN_PROGRESS(27),
    INVALID_COMMIT_OFFSET_SIZE(28),
    INVALID_TIMESTAMP(32),
    UNSUPPORTED_VERSION(35),
    TOPIC_ALREADY_EXISTS(36),
    INVALID_PARTITIONS(37),
    INVALID_REPLICATION_FACTOR(38),
    INVALID_REPLICA_ASSIGNMENT(39),
    INVALID_CONFIG(40),
    NOT_CONTROLLER(41),
    INVALID_REQUEST(42),
    POLICY_VIOLATION(44),
    OUT_OF_ORDER_SEQUENCE_NUMBER(45),
    DUPLICATE_SEQUENCE_NUMBER(46),
    INVALID_PRODUCER_EPOCH(47),
    INVALID_PRODUCER_ID_MAPPING(49),
    INVALID_TRANSACTION_TIMEOUT(50),
    KAFKA_STORAGE_ERROR(56),
    LOG_DIR_NOT_FOUND(57),
    UNKNOWN_PRODUCER_ID(59),
    NON_EMPTY_GROUP(68),
    GROUP_ID_NOT_FOUND(69),
    FENCED_LEADER_EPOCH(74),
    UNKNOWN_LEADER_EPOCH(75),
    OFFSET_NOT_AVAILABLE(78),
    MEMBER_ID_REQUIRED(79),
    GROUP_MAX_SIZE_REACHED(81),
    FENCED_INSTANCE_ID(82),
    GROUP_SUBSCRIBED_TO_TOPIC(86),
    PRODUCER_FENCED(90),
    INVALID_RECORD(87),
    UNKNOWN_TOPIC_ID(100),
    INCONSISTENT_TOPIC_ID(103);

    private final short code;

    ErrorCode(int code) {
        this.code = (short) code;
    }

    public short code() {
        return code;
    }

    /** The constant with {@code code}, or UNKNOWN_SERVER_ERROR for a code this enum does not name. */
    public static ErrorCode forCode(short code) {
        for (ErrorCode e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return UNKNOWN_SERVER_ERROR;
    }
}
