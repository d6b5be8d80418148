package io.chronik.config;

/**
 * A configuration the node cannot start with: a bad key or value in the TOML file, the environment or on the
 * command line. The message is one line that names the key (and the file or variable it came from), the value, and
 * what was expected; the CLI prints it as {@code error: <message>} and exits with status 1.
 */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
