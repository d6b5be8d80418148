package io.chronik.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogLevelTest {

    @Test
    void defaultsToInfo() {
        assertEquals(LogLevel.INFO, LogLevel.resolve(null, Map.of()));
    }

    @Test
    void commandLineBeatsChronikLogLevelBeatsRustLog() {
        var env = Map.of("CHRONIK_LOG_LEVEL", "warn", "RUST_LOG", "trace");
        assertEquals(LogLevel.DEBUG, LogLevel.resolve("debug", env));
        assertEquals(LogLevel.WARN, LogLevel.resolve(null, env));
        assertEquals(LogLevel.TRACE, LogLevel.resolve(null, Map.of("RUST_LOG", "trace")));
    }

    @Test
    void rustLogDirectivesYieldTheirBareLevel() {
        assertEquals(LogLevel.INFO, LogLevel.resolve(null, Map.of("RUST_LOG", "info,chronik=debug")));
        assertEquals(LogLevel.ERROR, LogLevel.resolve(null, Map.of("RUST_LOG", "chronik_server=trace, ERROR")));
        assertEquals(LogLevel.INFO, LogLevel.resolve(null, Map.of("RUST_LOG", "chronik=debug")));
    }

    @Test
    void unknownLevelIsNamedWithItsSource() {
        var e = assertThrows(ConfigException.class, () -> LogLevel.resolve(null, Map.of("RUST_LOG", "verbose")));
        assertEquals("unknown log level 'verbose' in RUST_LOG (expected trace, debug, info, warn, error, off)",
                e.getMessage());
        var cli = assertThrows(ConfigException.class, () -> LogLevel.resolve("loud", Map.of()));
        assertEquals("unknown log level 'loud' in --log-level (expected trace, debug, info, warn, error, off)",
                cli.getMessage());
    }
}
