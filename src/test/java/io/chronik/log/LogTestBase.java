package io.chronik.log;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A flusher and a temp directory per test; logs opened through {@link #open} are closed afterwards. */
abstract class LogTestBase {

    @TempDir
    Path tmp;

    final LogFlusher flusher = new LogFlusher(2, Duration.ofMillis(200), Duration.ofMillis(20));
    private final List<PartitionLog> opened = new ArrayList<>();

    Path dir() {
        return tmp.resolve("topic-0");
    }

    PartitionLog open(LogConfig config) throws IOException {
        return open(dir(), config);
    }

    PartitionLog open(Path dir, LogConfig config) throws IOException {
        PartitionLog log = PartitionLog.open(dir, config, flusher);
        opened.add(log);
        return log;
    }

    @AfterEach
    void closeLogs() throws IOException {
        for (PartitionLog log : opened) {
            log.close();
        }
        flusher.close();
    }
}
