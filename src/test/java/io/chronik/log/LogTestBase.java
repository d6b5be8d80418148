package io.chronik.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /** What a crash right now leaves on disk for a log whose appends were all forced: a copy of its files. */
    Path crashCopy(PartitionLog log) throws IOException {
        return crashCopy(log, Map.of());
    }

    /** Like {@link #crashCopy(PartitionLog)}, with the named files cut to the given lengths (lost unforced writes). */
    Path crashCopy(PartitionLog log, Map<String, Long> truncateTo) throws IOException {
        Path copy = tmp.resolve("crashed-" + System.nanoTime());
        Files.createDirectories(copy);
        try (var files = Files.list(log.dir())) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(file.getFileName());
                Files.copy(file, target);
                Long length = truncateTo.get(file.getFileName().toString());
                if (length != null) {
                    try (var channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                        channel.truncate(length);
                    }
                }
            }
        }
        return copy;
    }

    static Path segment(Path dir, long base) {
        return dir.resolve(String.format("%020d.log", base));
    }

    static void writeAt(Path file, long position, ByteBuffer bytes) throws IOException {
        try (var channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(bytes, position);
        }
    }
}
