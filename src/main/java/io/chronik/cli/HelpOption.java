package io.chronik.cli;

import picocli.CommandLine.Option;

/** {@code -h/--help} for subcommands (the top-level commands get it with {@code mixinStandardHelpOptions}). */
final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}
