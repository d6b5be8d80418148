package io.chronik.group;

/**
 * The states of a classic group, as Kafka names them (DescribeGroups and ListGroups report {@link #kafkaName}).
 *
 * <pre>
 * Empty ──join──► PreparingRebalance ──all joined / timeout──► CompletingRebalance ──leader sync──► Stable
 *   ▲                  ▲   │ (no member left)                         │                              │
 *   └──────────────────┼───┘                                          └──── join / leave / expiry ───┘
 *                      └──────────────────────────────────────────────────────────────────────────────┘
 * Dead: removed (deleted, expired, unloaded); a request that still holds it is answered COORDINATOR_NOT_AVAILABLE.
 * </pre>
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    public String kafkaName() {
        return kafkaName;
    }

    /** The state named {@code name} (case-insensitive, as ListGroups state filters are), or null. */
    public static GroupState ofKafkaName(String name) {
        for (GroupState s : values()) {
            if (s.kafkaName.equalsIgnoreCase(name)) {
                return s;
            }
        }
        return null;
    }
}
