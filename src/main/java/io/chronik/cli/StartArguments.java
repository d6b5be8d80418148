package io.chronik.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The options of {@code chronik-server start} ({@link StartCommand} declares them for picocli, with their help).
 *
 * <p>{@link #parsePlainStart} reads the plain form that launch scripts use, {@code start} followed by
 * {@code --option value} or {@code --option=value} pairs of distinct known options, without picocli: building
 * picocli's command model costs a quarter of a second at every start (its classes are Java 5 class files, which the
 * JVM verifies the slow way and cannot keep in the CDS archive). Anything else (help, an unknown or repeated option,
 * a missing value, an {@code @file}, short options run together) is left to picocli, which owns every message.
 * A null field means the option was not given.
 */
record StartArguments(Path configFile, String bind, String advertise, Path dataDir, String logLevel) {

    /** Every name the plain form accepts; a test checks they are exactly {@link StartCommand}'s options. */
    static final List<String> OPTION_NAMES = List.of(
            "-c", "--config", "--bind", "--advertise", "-d", "--data-dir", "-l", "--log-level");

    /** The arguments of {@code args} when they are the plain form of {@code start}, else empty. */
    static Optional<StartArguments> parsePlainStart(String[] args) {
        if (args.length == 0 || !args[0].equals("start")) {
            return Optional.empty();
        }
        String[] values = new String[5];
        int i = 1;
        while (i < args.length) {
            String name = args[i];
            String value;
            int equals = name.indexOf('=');
            if (name.startsWith("--") && equals > 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
                i += 1;
            } else if (i + 1 < args.length) {
                value = args[i + 1];
                i += 2;
            } else {
                return Optional.empty();
            }
            int slot = slot(name);
            if (slot < 0 || values[slot] != null || value.isEmpty() || value.startsWith("-") || value.startsWith("@")) {
                return Optional.empty();
            }
            values[slot] = value;
        }
        try {
            return Optional.of(new StartArguments(path(values[0]), values[1], values[2], path(values[3]), values[4]));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static int slot(String name) {
        return switch (name) {
            case "-c", "--config" -> 0;
            case "--bind" -> 1;
            case "--advertise" -> 2;
            case "-d", "--data-dir" -> 3;
            case "-l", "--log-level" -> 4;
            default -> -1;
        };
    }

    private static Path path(String value) {
        return value == null ? null : Path.of(value);
    }
}
