package io.chronik.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartArgumentsTest {

    @TempDir
    Path dir;

    private static Optional<StartArguments> parse(String... args) {
        return StartArguments.parsePlainStart(args);
    }

    @Test
    void plainStartIsReadWithoutPicocli() {
        assertEquals(Optional.of(new StartArguments(Path.of("c.toml"), "127.0.0.1:0", "host:9", Path.of("d"), "warn")),
                parse("start", "-c", "c.toml", "--bind", "127.0.0.1:0", "--advertise=host:9", "--data-dir", "d",
                        "-l", "warn"));
        assertEquals(Optional.of(new StartArguments(null, null, null, null, null)), parse("start"));
    }

    @Test
    void everyOtherFormIsLeftToPicocli() {
        assertEquals(Optional.empty(), parse());
        assertEquals(Optional.empty(), parse("version"));
        assertEquals(Optional.empty(), parse("start", "--help"));
        assertEquals(Optional.empty(), parse("start", "--bind"));
        assertEquals(Optional.empty(), parse("start", "--bind", "a:1", "--bind", "b:2"));
        assertEquals(Optional.empty(), parse("start", "--frobnicate", "x"));
        assertEquals(Optional.empty(), parse("start", "--bind="));
        assertEquals(Optional.empty(), parse("start", "--data-dir", "--bind"));
        assertEquals(Optional.empty(), parse("start", "@args.txt"));
        assertEquals(Optional.empty(), parse("start", "-dDIR"));
        assertEquals(Optional.empty(), parse("start", "--data-dir", "a\0b"));
    }

    @Test
    void plainFormKnowsExactlyTheOptionsStartCommandDeclares() {
        Set<String> declared = ChronikServerCli.commandLine(Map.of(), level -> { }).getSubcommands().get("start")
                .getCommandSpec().options().stream()
                .flatMap(option -> java.util.Arrays.stream(option.names()))
                .filter(name -> !name.equals("-h") && !name.equals("--help"))
                .collect(Collectors.toSet());
        assertEquals(declared, Set.copyOf(StartArguments.OPTION_NAMES));
        for (String name : StartArguments.OPTION_NAMES) {
            assertTrue(parse("start", name, "x").isPresent(), name);
        }
    }

    @Test
    void plainStartReportsATakenPortAsOneErrorLine() throws Exception {
        try (var taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            var err = new StringWriter();
            int status = ChronikServerCli.execute(new String[]{"start", "--bind", address, "--data-dir",
                dir.resolve("data").toString()}, Map.of(), level -> { }, new PrintWriter(err, true));
            assertEquals(FailureReporter.USER_ERROR, status, err.toString());
            assertTrue(err.toString().startsWith("error: ") && err.toString().contains(address), err.toString());
            assertEquals(1, err.toString().lines().count(), err.toString());
        }
    }
}
