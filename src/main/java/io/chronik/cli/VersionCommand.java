package io.chronik.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code version}: prints {@code <product> v<version>} and the Java runtime line. */
@Command(name = "version", description = "Print the version and the Java runtime, then exit.")
final class VersionCommand implements Callable<Integer> {

    private final String product;

    @Spec
    private CommandSpec spec;

    VersionCommand(String product) {
        this.product = product;
    }

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.println(product + " v" + ChronikVersion.current());
        out.println(ChronikVersion.javaRuntime());
        out.flush();
        return 0;
    }
}
