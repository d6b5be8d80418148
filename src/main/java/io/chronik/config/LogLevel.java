package io.chronik.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The server's log level, from {@code --log-level}, else {@code CHRONIK_LOG_LEVEL}, else {@code RUST_LOG} (the
 * variable the original Chronik used), else {@code info}. {@code RUST_LOG} may hold Rust-style directives such as
 * {@code info,chronik=debug}: the bare level word among them is the level and {@code target=level} directives are
 * ignored.
 */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR, OFF;

    public static final LogLevel DEFAULT = INFO;

    /** The name slf4j-simple and users write, e.g. {@code debug}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Resolves the level from the command-line value (null when not given) and the environment.
     *
     * @throws ConfigException naming the option or variable when a level word is unknown
     */
    public static LogLevel resolve(String commandLineValue, Map<String, String> env) {
        if (commandLineValue != null) {
            return parse(commandLineValue.trim(), "--log-level");
        }
        String chronik = env.get("CHRONIK_LOG_LEVEL");
        if (chronik != null && !chronik.isBlank()) {
            return parse(chronik.trim(), "CHRONIK_LOG_LEVEL");
        }
        String rust = env.get("RUST_LOG");
        if (rust != null && !rust.isBlank()) {
            return fromRustDirectives(rust);
        }
        return DEFAULT;
    }

    private static LogLevel fromRustDirectives(String directives) {
        LogLevel level = DEFAULT;
        for (String directive : directives.split(",")) {
            String word = directive.trim();
            if (!word.isEmpty() && !word.contains("=")) {
                level = parse(word, "RUST_LOG");
            }
        }
        return level;
    }

    private static LogLevel parse(String word, String source) {
        String normalized = word.toUpperCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(l -> l.name().equals(normalized))
                .findFirst()
                .orElseThrow(() -> new ConfigException("unknown log level '" + word + "' in " + source
                        + " (expected " + Arrays.stream(values()).map(LogLevel::configName)
                        .collect(Collectors.joining(", ")) + ")"));
    }
}
