package io.chronik.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ChronikServerCliTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        CommandLine commandLine = ChronikServerCli.commandLine(env, level -> { });
        var out = new StringWriter();
        var err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> commandLine.execute(args));
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static Run run(String... args) {
        return run(Map.of(), args);
    }

    private static void assertOneErrorLine(Run run, String expected) {
        assertEquals(1, run.exitCode(), run.err());
        assertEquals("error: " + expected + System.lineSeparator(), run.err());
    }

    @Test
    void versionPrintsProductVersionAndJavaRuntime() {
        Run run = run("version");
        assertEquals(0, run.exitCode());
        String[] lines = run.out().split("\\R");
        assertEquals(2, lines.length, run.out());
        assertEquals("Chronik Server v" + ChronikVersion.current(), lines[0]);
        assertTrue(lines[1].startsWith("Java " + Runtime.version()), lines[1]);
        assertEquals("", run.err());
    }

    @Test
    void unknownOptionIsOneErrorLine() {
        assertOneErrorLine(run("start", "--frobnicate"),
                "Unknown option: '--frobnicate' (see 'chronik-server start --help')");
    }

    @Test
    void missingCommandIsOneErrorLine() {
        assertOneErrorLine(run(), "missing command: start, version or cluster (see 'chronik-server --help')");
    }

    @Test
    void missingConfigFileIsOneErrorLine() {
        Path file = dir.resolve("missing.toml");
        assertOneErrorLine(run("start", "--config", file.toString()), "config file " + file + " does not exist");
    }

    @Test
    void unknownConfigKeyIsOneErrorLine() throws IOException {
        Path file = Files.writeString(dir.resolve("x.toml"), "[kafka]\nbnd = \"127.0.0.1:9092\"\n");
        assertOneErrorLine(run("start", "-c", file.toString()), "unknown key 'kafka.bnd' in " + file);
    }

    @Test
    void configFileFromEnvironmentIsUsed() throws IOException {
        Path file = Files.writeString(dir.resolve("x.toml"), "replication_factor = 3\n");
        assertOneErrorLine(run(Map.of("CHRONIK_CONFIG", file.toString()), "start"),
                file + ": replication_factor = 3 is larger than the number of nodes (1)");
    }

    @Test
    void unknownLogLevelIsOneErrorLine() {
        assertOneErrorLine(run(Map.of("RUST_LOG", "chatty"), "start"),
                "unknown log level 'chatty' in RUST_LOG (expected trace, debug, info, warn, error, off)");
    }
}
