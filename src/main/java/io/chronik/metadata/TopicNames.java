package io.chronik.metadata;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;

/** Kafka's rules for topic names: 1-249 characters of [a-zA-Z0-9._-], and not "." or "..". */
public final class TopicNames {

    public static final int MAX_LENGTH = 249;

    private TopicNames() {
    }

    /** @throws ChronikException INVALID_TOPIC_EXCEPTION naming the rule the name breaks */
    public static void validate(String name) {
        if (name == null || name.isEmpty()) {
            throw invalid("Topic name is illegal, it can't be empty");
        }
        if (name.equals(".") || name.equals("..")) {
            throw invalid("Topic name cannot be \".\" or \"..\"");
        }
        if (name.length() > MAX_LENGTH) {
            throw invalid("Topic name is illegal, it can't be longer than " + MAX_LENGTH + " characters, topic name: "
                    + name);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!legal) {
                throw invalid("Topic name \"" + name + "\" is illegal, it contains a character other than ASCII "
                        + "alphanumerics, '.', '_' and '-'");
            }
        }
    }

    private static ChronikException invalid(String message) {
        return new ChronikException(ErrorCode.INVALID_TOPIC_EXCEPTION, message);
    }
}
