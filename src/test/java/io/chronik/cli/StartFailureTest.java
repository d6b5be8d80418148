package io.chronik.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code chronik-server start} when the server itself cannot start: one {@code error:} line, exit status 1. */
class StartFailureTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String err) {
    }

    private static Run start(String... args) {
        CommandLine commandLine = ChronikServerCli.commandLine(Map.of(), level -> { });
        var err = new StringWriter();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "start";
        System.arraycopy(args, 0, all, 1, args.length);
        int exitCode = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> commandLine.execute(all));
        return new Run(exitCode, err.toString());
    }

    @Test
    void takenKafkaPortIsOneErrorLineNamingTheAddress() throws IOException {
        try (var taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            Run run = start("--bind", address, "--data-dir", dir.resolve("data").toString());
            assertEquals(1, run.exitCode(), run.err());
            assertTrue(run.err().startsWith("error: ") && run.err().contains(address), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
        }
    }

    @Test
    void unusableDataDirIsOneErrorLine() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        Run run = start("--bind", "127.0.0.1:0", "--data-dir", file.resolve("data").toString());
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("error: ") && run.err().contains(file.toString()), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }
}
