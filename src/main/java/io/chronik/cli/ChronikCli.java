package io.chronik.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Main class of {@code bin/chronik}, the operator CLI. Exit statuses as in {@link ChronikServerCli}. */
@Command(name = "chronik", mixinStandardHelpOptions = true,
        description = "Chronik operator command-line tool.")
public final class ChronikCli implements Callable<Integer> {

    static final String PRODUCT = "Chronik CLI";

    @Spec
    private CommandSpec spec;

    private ChronikCli() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The command tree; tests pass their own environment. */
    static CommandLine commandLine(Map<String, String> env) {
        var commandLine = new CommandLine(new ChronikCli());
        commandLine.getCommandSpec().version(PRODUCT + " v" + ChronikVersion.current());
        commandLine.addSubcommand(new VersionCommand(PRODUCT));
        commandLine.addSubcommand(ClusterCommand.create(env));
        return FailureReporter.install(commandLine);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: version or cluster");
    }
}
