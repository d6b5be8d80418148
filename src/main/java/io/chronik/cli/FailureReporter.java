package io.chronik.cli;

import io.chronik.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into exit statuses. User mistakes (a bad option, a bad config, a taken port, an unusable data
 * dir) print one line {@code error: <message>} to stderr and exit {@value #USER_ERROR}; anything else is a bug and
 * prints its stack trace with status {@value #INTERNAL_ERROR}.
 */
final class FailureReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

    static final int USER_ERROR = 1;
    static final int INTERNAL_ERROR = 2;

    private FailureReporter() {
    }

    static CommandLine install(CommandLine commandLine) {
        var reporter = new FailureReporter();
        return commandLine.setExecutionExceptionHandler(reporter).setParameterExceptionHandler(reporter);
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        var err = e.getCommandLine().getErr();
        err.println("error: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName()
                + " --help')");
        err.flush();
        return USER_ERROR;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        return report(e, commandLine.getErr());
    }

    /** Prints {@code e} to {@code err} as a user mistake or as a bug, and returns the exit status. */
    static int report(Exception e, PrintWriter err) {
        String message = userMessage(e);
        if (message != null) {
            err.println("error: " + message);
            err.flush();
            return USER_ERROR;
        }
        e.printStackTrace(err);
        err.flush();
        return INTERNAL_ERROR;
    }

    /** The one-line message of a user mistake, or null when {@code e} is not one. */
    static String userMessage(Exception e) {
        return switch (e) {
            case ConfigException c -> c.getMessage();
            case BindException b -> b.getMessage();
            case FileSystemException f -> describe(f);
            case IOException io -> io.getMessage();
            default -> null;
        };
    }

    /** JDK file exceptions carry only the path as their message; say what went wrong with it. */
    private static String describe(FileSystemException e) {
        String reason = switch (e) {
            case AccessDeniedException a -> "permission denied";
            case NoSuchFileException n -> "no such file or directory";
            case FileAlreadyExistsException x -> "already exists";
            case NotDirectoryException d -> "not a directory";
            default -> e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
        };
        return "cannot use " + e.getFile() + (e.getOtherFile() != null ? " -> " + e.getOtherFile() : "") + ": "
                + reason;
    }
}
