package io.chronik.cli;

import io.chronik.admin.AdminApiClient;
import io.chronik.admin.MembershipChange;
import io.chronik.config.ConfigException;
import io.chronik.config.HostPort;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cluster status|add-node|remove-node}, in both {@code chronik-server} and {@code chronik}: each talks to one
 * node's admin API ({@link AdminTarget}) and prints its answer; failures are one {@code error:} line, exit 1.
 */
@Command(name = "cluster", description = "Show or change the cluster through a node's admin API.")
final class ClusterCommand implements Callable<Integer> {

    @Mixin
    private HelpOption help;

    @Spec
    private CommandSpec spec;

    private ClusterCommand() {
    }

    /** The command with its subcommands, reading the key (and config variables) from {@code env}. */
    static CommandLine create(Map<String, String> env) {
        return new CommandLine(new ClusterCommand())
                .addSubcommand(new Status(env))
                .addSubcommand(new AddNode(env))
                .addSubcommand(new RemoveNode(env));
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: status, add-node or remove-node");
    }

    @Command(name = "status", description = "Print the nodes, the Raft leader and every partition's placement.")
    static final class Status implements Callable<Integer> {
        @Mixin
        private HelpOption help;
        @Mixin
        private AdminTarget target;
        @Spec
        private CommandSpec spec;
        @Option(names = "--internal",
                description = "Also list the partitions of internal topics (__consumer_offsets, ...).")
        private boolean internal;
        private final Map<String, String> env;

        Status(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            try (AdminApiClient client = target.connect(env)) {
                var out = spec.commandLine().getOut();
                out.print(ClusterStatusFormat.render(client.status(), internal));
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "add-node", description = {"Add a node to the cluster membership (run against any node).",
        "Not supported yet: the node answers that membership changes are not supported yet."})
    static final class AddNode implements Callable<Integer> {
        @Mixin
        private HelpOption help;
        @Mixin
        private AdminTarget target;
        @Spec
        private CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ID", description = "Id of the new node (1-255).")
        private int nodeId;
        @Option(names = "--kafka", required = true, paramLabel = "HOST:PORT", description = "Its Kafka address.")
        private String kafka;
        @Option(names = "--wal", required = true, paramLabel = "HOST:PORT", description = "Its WAL address.")
        private String wal;
        @Option(names = "--raft", required = true, paramLabel = "HOST:PORT", description = "Its Raft address.")
        private String raft;
        private final Map<String, String> env;

        AddNode(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            var change = new MembershipChange.AddNode(nodeId, address("--kafka", kafka), address("--wal", wal),
                    address("--raft", raft));
            return send(spec, target, env, change);
        }
    }

    @Command(name = "remove-node", description = {"Remove a node from the cluster membership (run against any node).",
        "Not supported yet: the node answers that membership changes are not supported yet."})
    static final class RemoveNode implements Callable<Integer> {
        @Mixin
        private HelpOption help;
        @Mixin
        private AdminTarget target;
        @Spec
        private CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ID", description = "Id of the node to remove.")
        private int nodeId;
        @Option(names = "--force", description = "Remove it even if it is down or the leader.")
        private boolean force;
        private final Map<String, String> env;

        RemoveNode(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            return send(spec, target, env, new MembershipChange.RemoveNode(nodeId, force));
        }
    }

    private static int send(CommandSpec spec, AdminTarget target, Map<String, String> env, MembershipChange change)
            throws IOException, InterruptedException {
        try (AdminApiClient client = target.connect(env)) {
            var out = spec.commandLine().getOut();
            out.println(client.change(change));
            out.flush();
            return 0;
        }
    }

    private static HostPort address(String option, String value) {
        try {
            HostPort address = HostPort.parse(value);
            if (address.port() < 1) {
                throw new IllegalArgumentException("port 0");
            }
            return address;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(option + " '" + value + "' is not HOST:PORT with a port in 1-65535");
        }
    }
}
