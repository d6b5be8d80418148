package io.chronik.cli;

import io.chronik.config.LogLevel;

/**
 * Configures slf4j-simple through its system properties, so it must run before the first
 * {@code LoggerFactory.getLogger} call of the process: one line per event on stdout,
 * {@code 2026-01-31 12:00:00.000 INFO ChronikServerCli - message}. Properties the user already set with
 * {@code -D} (through {@code CHRONIK_JAVA_OPTS}) are kept, except the level, which always follows the resolved
 * {@link LogLevel}.
 */
final class SimpleLoggerSetup {

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private SimpleLoggerSetup() {
    }

    static void configure(LogLevel level) {
        System.setProperty(PREFIX + "defaultLogLevel", level.configName());
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        setIfAbsent("logFile", "System.out");
        setIfAbsent("showThreadName", "false");
        setIfAbsent("showShortLogName", "true");
        // kafka-clients classes log their own internals at INFO/DEBUG; keep them to warnings unless asked for less.
        if (level.compareTo(LogLevel.WARN) < 0) {
            setIfAbsent("log.org.apache.kafka", "warn");
            // Ratis logs every configuration value it reads and each election step at INFO; Chronik logs the events
            // that matter (leader, quorum, peers unreachable) itself.
            setIfAbsent("log.org.apache.ratis", "warn");
        }
        // A down peer makes Ratis's log appender warn with a stack trace every few retries; the transport says
        // "Failed to connect to peer" once per outage instead.
        setIfAbsent("log.org.apache.ratis.server.leader.LogAppender", "error");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
