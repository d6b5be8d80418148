package io.chronik.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a running {@link ChronikTestServer} (fresh temporary data directory) into a test method or constructor
 * parameter, and closes it and deletes its directory after the test:
 *
 * <pre>{@code
 * @ExtendWith(ChronikServerExtension.class)
 * class SomeTest {
 *     @Test
 *     void producesAndConsumes(ChronikTestServer server) { ... server.bootstrap() ... }
 * }
 * }</pre>
 */
public final class ChronikServerExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ChronikTestServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            Path dir = Files.createTempDirectory("chronik-test-");
            ChronikTestServer server = ChronikTestServer.start(dir);
            context.getStore(ExtensionContext.Namespace.create(ChronikServerExtension.class, parameter.getIndex()))
                    .put("server", new Running(server, dir));
            return server;
        } catch (IOException e) {
            throw new ParameterResolutionException("Cannot start a Chronik test server: " + e.getMessage(), e);
        }
    }

    /** Closed by JUnit when the test's context ends. */
    private record Running(ChronikTestServer server, Path dir) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            server.close();
            TestFiles.deleteTree(dir);
        }
    }
}
