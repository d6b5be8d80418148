package io.chronik.cli;

import io.chronik.config.HostPort;
import io.chronik.config.LogLevel;
import io.chronik.config.ServerConfig;
import io.chronik.config.ServerConfigLoader;
import io.chronik.config.ServerConfigLoader.CommandLineValues;
import io.chronik.server.ChronikServer;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chronik-server start}: configures logging (before anything else logs), loads the configuration, starts the
 * node, and blocks until a shutdown hook (SIGTERM, SIGINT) has closed it. The plain form of the command line skips
 * picocli ({@link StartArguments}) and comes straight to {@link #run}.
 */
@Command(name = "start", description = {
    "Start a Chronik node.",
    "Without a config file (--config or CHRONIK_CONFIG) it runs standalone: Kafka on 127.0.0.1:9092, data in ./data."})
final class StartCommand implements Callable<Integer> {

    @Mixin
    private HelpOption help;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "TOML config file (env CHRONIK_CONFIG); see docs/configuration.md.")
    private Path configFile;

    @Option(names = "--bind", paramLabel = "HOST[:PORT]",
            description = "Kafka listener address (env CHRONIK_BIND; default 127.0.0.1:9092).")
    private String bind;

    @Option(names = "--advertise", paramLabel = "HOST[:PORT]",
            description = "Kafka address given to clients (env CHRONIK_ADVERTISE; default: the bind address).")
    private String advertise;

    @Option(names = {"-d", "--data-dir"}, paramLabel = "DIR",
            description = "Data directory (env CHRONIK_DATA_DIR; default ./data).")
    private Path dataDir;

    @Option(names = {"-l", "--log-level"}, paramLabel = "LEVEL",
            description = "trace, debug, info, warn, error or off (env CHRONIK_LOG_LEVEL or RUST_LOG; default info).")
    private String logLevel;

    private final Map<String, String> env;
    private final Consumer<LogLevel> loggingSetup;

    StartCommand(Map<String, String> env, Consumer<LogLevel> loggingSetup) {
        this.env = env;
        this.loggingSetup = loggingSetup;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        return run(new StartArguments(configFile, bind, advertise, dataDir, logLevel), env, loggingSetup);
    }

    /** Runs the node until it is stopped; returns the exit status 0. */
    static int run(StartArguments arguments, Map<String, String> env, Consumer<LogLevel> loggingSetup)
            throws IOException, InterruptedException {
        loggingSetup.accept(LogLevel.resolve(arguments.logLevel(), env));
        ServerConfig config = ServerConfigLoader.load(new CommandLineValues(arguments.configFile(), arguments.bind(),
                arguments.advertise(), arguments.dataDir()), env);
        ChronikServer server = startServer(config);
        Logger log = LoggerFactory.getLogger(ChronikServerCli.class);
        HostPort listening = new HostPort(config.kafkaBind().host(), server.kafkaPort());
        HostPort advertised = config.kafkaAdvertised().port() == 0
                ? new HostPort(config.kafkaAdvertised().host(), server.kafkaPort())
                : config.kafkaAdvertised();
        log.info("Chronik Server v{} started: Kafka listening on {}, advertised as {}, data dir {}",
                ChronikVersion.current(), listening, advertised, config.dataDir());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Shutting down");
            server.close();
        }, "chronik-shutdown"));
        server.awaitShutdown();
        return 0;
    }

    /** Starts the node; a taken port is reported with the address even if the JDK's message lacks it. */
    private static ChronikServer startServer(ServerConfig config) throws IOException {
        try {
            return ChronikServer.start(config);
        } catch (BindException e) {
            String message = e.getMessage() == null ? "address in use" : e.getMessage();
            if (message.contains(":" + config.kafkaBind().port()) || message.matches(".*:\\d+.*")) {
                throw e;
            }
            var named = new BindException("Kafka listener cannot bind " + config.kafkaBind() + ": " + message);
            named.initCause(e);
            throw named;
        }
    }
}
