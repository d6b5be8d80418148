package io.chronik.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * One table of a parsed TOML config file with typed, validating accessors. Every error is a {@link ConfigException}
 * naming the key by its TOML path ({@code kafka.bind}), where it is ({@code config/x.toml}, or {@code [[peers]]
 * entry 2 of config/x.toml}), the value found and what was expected. Not thread-safe; used once at start-up.
 */
final class TomlSection {

    private final TomlTable table;
    private final String keyPrefix;
    private final String location;

    private TomlSection(TomlTable table, String keyPrefix, String location) {
        this.table = table;
        this.keyPrefix = keyPrefix;
        this.location = location;
    }

    /**
     * Reads and parses a config file.
     *
     * @throws ConfigException when the file is missing or unreadable, or has TOML syntax errors (with line:column)
     */
    static TomlSection read(Path path) {
        if (Files.isDirectory(path)) {
            throw new ConfigException("config file " + path + " is a directory");
        }
        TomlParseResult result;
        try {
            result = Toml.parse(path);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + path + " does not exist");
        } catch (AccessDeniedException e) {
            throw new ConfigException("config file " + path + " is not readable (permission denied)");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + path + ": " + e.getMessage());
        }
        if (result.hasErrors()) {
            TomlParseError first = result.errors().getFirst();
            int more = result.errors().size() - 1;
            throw new ConfigException(path + ":" + first.position().line() + ":" + first.position().column()
                    + ": TOML syntax error: " + first.getMessage()
                    + (more > 0 ? " (and " + more + " more " + (more == 1 ? "error" : "errors") + ")" : ""));
        }
        return new TomlSection(result, "", path.toString());
    }

    /** Where this table is, for messages: the file, or an entry of an array of tables in it. */
    String location() {
        return location;
    }

    /** Fails on the first key (in sorted order) that is not one of {@code known}. */
    void rejectUnknownKeys(String... known) {
        Set<String> allowed = Set.of(known);
        for (String key : new TreeSet<>(table.keySet())) {
            if (!allowed.contains(key)) {
                throw new ConfigException("unknown key '" + keyPrefix + key + "' in " + location);
            }
        }
    }

    Optional<TomlSection> table(String key) {
        Object value = value(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof TomlTable t)) {
            throw mistyped(key, value, "a table ([" + keyPrefix + key + "])");
        }
        return Optional.of(new TomlSection(t, keyPrefix + key + ".", location));
    }

    /** The tables of an array of tables ({@code [[peers]]}), in file order; empty when the key is absent. */
    List<TomlSection> arrayOfTables(String key) {
        Object value = value(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof TomlArray array)) {
            throw mistyped(key, value, "an array of tables ([[" + keyPrefix + key + "]])");
        }
        var sections = new ArrayList<TomlSection>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof TomlTable entry)) {
                throw mistyped(key, value, "an array of tables ([[" + keyPrefix + key + "]])");
            }
            sections.add(new TomlSection(entry, keyPrefix + key + ".",
                    "[[" + keyPrefix + key + "]] entry " + (i + 1) + " of " + location));
        }
        return sections;
    }

    Optional<Boolean> bool(String key) {
        Object value = value(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Boolean b)) {
            throw mistyped(key, value, "true or false");
        }
        return Optional.of(b);
    }

    Optional<String> string(String key) {
        Object value = value(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String s)) {
            throw mistyped(key, value, "a string");
        }
        if (s.isBlank()) {
            throw mistyped(key, value, "a non-empty string");
        }
        return Optional.of(s);
    }

    /** An integer in {@code [min, max]}. */
    Optional<Long> integer(String key, long min, long max) {
        Object value = value(key);
        if (value == null) {
            return Optional.empty();
        }
        String expected = "an integer " + range(min, max);
        if (!(value instanceof Long n)) {
            throw mistyped(key, value, expected);
        }
        if (n < min || n > max) {
            throw mistyped(key, value, expected);
        }
        return Optional.of(n);
    }

    /** An integer in {@code [min, max]} where {@code max} fits in an int. */
    Optional<Integer> intValue(String key, int min, int max) {
        return integer(key, min, max).map(Long::intValue);
    }

    /** A host or host:port string. */
    Optional<AddressOverride> address(String key) {
        return string(key).map(s -> AddressOverride.parse(s, describe(key)));
    }

    /** A host:port string whose port is in 1-65535 (an address other nodes or clients connect to). */
    Optional<HostPort> hostPort(String key) {
        return string(key).map(s -> {
            AddressOverride address = AddressOverride.parse(s, describe(key));
            if (address.port() < 1) {
                throw mistyped(key, s, "host:port with a port in 1-65535");
            }
            return new HostPort(address.host(), address.port());
        });
    }

    /** {@code 'kafka.bind' in config/x.toml}. */
    String describe(String key) {
        return "'" + keyPrefix + key + "' in " + location;
    }

    /** The key's TOML path, e.g. {@code kafka.bind}. */
    String path(String key) {
        return keyPrefix + key;
    }

    private Object value(String key) {
        return table.get(List.of(key));
    }

    private ConfigException mistyped(String key, Object value, String expected) {
        return new ConfigException(describe(key) + " must be " + expected + ", got " + render(value));
    }

    private static String range(long min, long max) {
        if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
            return ">= " + min;
        }
        return "in " + min + "-" + max;
    }

    private static String render(Object value) {
        return switch (value) {
            case String s -> "\"" + s + "\"";
            case TomlTable t -> "a table";
            case TomlArray a -> "an array " + Arrays.toString(a.toList().toArray());
            default -> String.valueOf(value);
        };
    }
}
