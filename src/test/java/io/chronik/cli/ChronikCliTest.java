package io.chronik.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ChronikCliTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine commandLine = ChronikCli.commandLine();
        var out = new StringWriter();
        var err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return new Run(commandLine.execute(args), out.toString(), err.toString());
    }

    @Test
    void versionPrintsProductVersion() {
        Run run = run("version");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("Chronik CLI v" + ChronikVersion.current() + System.lineSeparator()),
                run.out());
    }

    @Test
    void helpListsTheCommands() {
        Run run = run("--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("version"), run.out());
    }

    @Test
    void unknownCommandIsOneErrorLine() {
        Run run = run("frobnicate");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("error: Unmatched argument"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }
}
