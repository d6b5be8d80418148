package io.chronik.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.chronik.config.ConfigException;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import org.junit.jupiter.api.Test;

class FailureReporterTest {

    @Test
    void userMistakesHaveOneLineMessages() {
        assertEquals("bad key", FailureReporter.userMessage(new ConfigException("bad key")));
        assertEquals("Kafka listener cannot bind 127.0.0.1:9092: Address already in use",
                FailureReporter.userMessage(
                        new BindException("Kafka listener cannot bind 127.0.0.1:9092: Address already in use")));
        assertEquals("cannot use /var/lib/chronik: permission denied",
                FailureReporter.userMessage(new AccessDeniedException("/var/lib/chronik")));
        assertEquals("data dir /x is not writable",
                FailureReporter.userMessage(new IOException("data dir /x is not writable")));
    }

    @Test
    void bugsAreNotUserMistakes() {
        assertNull(FailureReporter.userMessage(new IllegalStateException("oops")));
    }
}
