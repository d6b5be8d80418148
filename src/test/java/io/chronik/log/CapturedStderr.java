package io.chronik.log;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures {@code System.err} (where slf4j-simple logs) for each test, so a test can assert what recovery reported:
 * {@code @RegisterExtension final CapturedStderr stderr = new CapturedStderr();} then {@code stderr.text()}.
 */
final class CapturedStderr implements BeforeEachCallback, AfterEachCallback {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream original;

    @Override
    public void beforeEach(ExtensionContext context) {
        original = System.err;
        captured.reset();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.setErr(original);
    }

    /** Everything written to {@code System.err} during the current test so far. */
    String text() {
        return captured.toString(StandardCharsets.UTF_8);
    }
}
