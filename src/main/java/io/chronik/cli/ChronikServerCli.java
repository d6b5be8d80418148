package io.chronik.cli;

import io.chronik.config.LogLevel;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Main class of {@code bin/chronik-server}: {@code start}, {@code version} and {@code cluster}. Exit status 0 on success (and after a
 * clean stop), 1 for a user mistake with one {@code error:} line on stderr, 2 for an internal error with its stack
 * trace; see {@link FailureReporter}.
 */
@Command(name = "chronik-server", mixinStandardHelpOptions = true,
        description = "Chronik, a Kafka-wire-compatible streaming server.")
public final class ChronikServerCli implements Callable<Integer> {

    static final String PRODUCT = "Chronik Server";

    @Spec
    private CommandSpec spec;

    private ChronikServerCli() {
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.getenv(), SimpleLoggerSetup::configure,
                new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line and returns the exit status. The plain form of {@code start} (what launch scripts use)
     * does not build picocli's model, which would take a quarter of a second of every start ({@link StartArguments});
     * failures are reported as picocli's handler reports them ({@link FailureReporter}).
     */
    static int execute(String[] args, Map<String, String> env, Consumer<LogLevel> loggingSetup, PrintWriter err) {
        Optional<StartArguments> plainStart = StartArguments.parsePlainStart(args);
        if (plainStart.isEmpty()) {
            CommandLine commandLine = commandLine(env, loggingSetup);
            commandLine.setErr(err);
            return commandLine.execute(args);
        }
        try {
            return StartCommand.run(plainStart.get(), env, loggingSetup);
        } catch (Exception e) {
            return FailureReporter.report(e, err);
        }
    }

    /** The command tree; tests pass their own environment and skip the logging set-up. */
    static CommandLine commandLine(Map<String, String> env, Consumer<LogLevel> loggingSetup) {
        var commandLine = new CommandLine(new ChronikServerCli());
        commandLine.getCommandSpec().version(PRODUCT + " v" + ChronikVersion.current());
        commandLine.addSubcommand(new StartCommand(env, loggingSetup));
        commandLine.addSubcommand(new VersionCommand(PRODUCT));
        commandLine.addSubcommand(ClusterCommand.create(env));
        return FailureReporter.install(commandLine);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: start, version or cluster");
    }
}
