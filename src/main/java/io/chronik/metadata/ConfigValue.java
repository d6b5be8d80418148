package io.chronik.metadata;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parsing and validation of config values by type, with the error messages Chronik answers (INVALID_CONFIG, naming
 * the key and the value). Package-private: the catalogs ({@link TopicConfigs}) use it.
 */
final class ConfigValue {

    private static final Pattern THROTTLED_REPLICAS =
            Pattern.compile("\\*|(\\s*\\d+\\s*:\\s*\\d+\\s*)(,\\s*\\d+\\s*:\\s*\\d+\\s*)*|");

    private ConfigValue() {
    }

    /** Checks one value; returns a description of what is wrong, or null when it is acceptable. */
    @FunctionalInterface
    interface Validator {
        String problem(String value);
    }

    static ChronikException invalid(String name, String value, String problem) {
        return new ChronikException(ErrorCode.INVALID_CONFIG,
                "Invalid value " + value + " for configuration " + name + ": " + problem);
    }

    /** Validates {@code value} as {@code type} and then with {@code validator}. */
    static void check(String name, ConfigType type, Validator validator, String value) {
        if (value == null) {
            throw new ChronikException(ErrorCode.INVALID_CONFIG, "Null value not supported for configuration " + name);
        }
        String problem = typeProblem(type, value.trim());
        if (problem == null && validator != null) {
            problem = validator.problem(value.trim());
        }
        if (problem != null) {
            throw invalid(name, value, problem);
        }
    }

    private static String typeProblem(ConfigType type, String v) {
        try {
            switch (type) {
                case INT -> Integer.parseInt(v);
                case LONG -> Long.parseLong(v);
                case DOUBLE -> Double.parseDouble(v);
                case BOOLEAN -> {
                    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                        return "Expected value to be either true or false";
                    }
                }
                case STRING, LIST -> {
                }
            }
            return null;
        } catch (NumberFormatException e) {
            return "Not a number of type " + type;
        }
    }

    static Validator atLeast(long min) {
        return v -> Long.parseLong(v) >= min ? null : "Value must be at least " + min;
    }

    static Validator between(long min, long max) {
        return v -> {
            long n = Long.parseLong(v);
            return n >= min && n <= max ? null : "Value must be in [" + min + ",...," + max + "]";
        };
    }

    static Validator ratio() {
        return v -> {
            double d = Double.parseDouble(v);
            return d >= 0 && d <= 1 ? null : "Value must be in [0,...,1]";
        };
    }

    static Validator oneOf(boolean ignoreCase, String... allowed) {
        return v -> {
            for (String a : allowed) {
                if (ignoreCase ? a.equalsIgnoreCase(v) : a.equals(v)) {
                    return null;
                }
            }
            return "String must be one of: " + String.join(", ", allowed);
        };
    }

    static Validator listOf(String... allowed) {
        Set<String> set = Set.of(allowed);
        return v -> {
            for (String item : parseList(v)) {
                if (!set.contains(item)) {
                    return "Invalid value " + item + " in list, expected items of [" + String.join(", ", allowed) + "]";
                }
            }
            return null;
        };
    }

    static Validator throttledReplicas() {
        return v -> THROTTLED_REPLICAS.matcher(v).matches() ? null
                : "Must be * or a list of [partitionId]:[brokerId] pairs";
    }

    static Validator gzipLevel() {
        return v -> {
            int n = Integer.parseInt(v);
            return n == -1 || (n >= 1 && n <= 9) ? null : "Value must be in [1,...,9] or -1";
        };
    }

    static List<String> parseList(String v) {
        if (v.isBlank()) {
            return List.of();
        }
        return Arrays.stream(v.split(",")).map(String::trim).toList();
    }

    static boolean parseBoolean(String v) {
        return v.trim().toLowerCase(Locale.ROOT).equals("true");
    }
}
