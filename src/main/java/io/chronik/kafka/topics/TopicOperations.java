package io.chronik.kafka.topics;

import java.util.List;
import org.apache.kafka.common.acl.AclOperation;

/**
 * The authorized-operations bit fields reported when a client asks for them. Chronik has no ACLs, so every client
 * may do every operation a resource supports (as Kafka without an authorizer).
 */
final class TopicOperations {

    /** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS on a topic. */
    static final int ALL = bits(List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE,
            AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS));

    /** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE on the cluster. */
    static final int CLUSTER = bits(List.of(AclOperation.CREATE, AclOperation.ALTER, AclOperation.DESCRIBE,
            AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS,
            AclOperation.IDEMPOTENT_WRITE));

    private TopicOperations() {
    }

    private static int bits(List<AclOperation> operations) {
        int bits = 0;
        for (AclOperation op : operations) {
            bits |= 1 << op.code();
        }
        return bits;
    }
}
