package io.chronik.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's recipe from the cluster guide, run for real against a {@code chronik-server start} process:
 * {@code grep "Admin API key" node1.log | awk '{print $NF}'} prints the key, and that key opens the admin API.
 */
class AdminKeyLogLineTest {

    private static final Pattern ADMIN_PORT = Pattern.compile("Admin API on http://127\\.0\\.0\\.1:(\\d+) ");

    @TempDir
    Path dir;

    private record Node(Process process, Path log, int adminPort) {
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private Node start(String name, Map<String, String> env) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve(name + ".log");
        var builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.chronik.cli.ChronikServerCli", "start", "--bind", "127.0.0.1:0", "-d",
                dir.resolve("data").toString(), "-l", "info")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().remove("CHRONIK_ADMIN_API_KEY");
        builder.environment().putAll(env);
        Process process = builder.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            String text = Files.readString(log);
            if (text.contains("Chronik Server v")) {
                Matcher port = ADMIN_PORT.matcher(text);
                assertTrue(port.find(), text);
                return new Node(process, log, Integer.parseInt(port.group(1)));
            }
            if (!process.isAlive()) {
                fail("server exited with " + process.exitValue() + ": " + text);
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IOException("server did not start within 60 s: " + Files.readString(log));
    }

    /** The guide's recipe, through a real shell. */
    private static String grepAwk(Path log) throws IOException, InterruptedException {
        Process shell = new ProcessBuilder("bash", "-c", "grep \"Admin API key\" \"$0\" | awk '{print $NF}'",
                log.toString()).redirectErrorStream(true).start();
        String out = new String(shell.getInputStream().readAllBytes());
        assertEquals(0, shell.waitFor());
        return out;
    }

    @Test
    void theGuidesGrepAwkRecipePrintsTheKeyAtEveryStart() throws Exception {
        Node first = start("node1", Map.of());
        String key;
        try {
            key = grepAwk(first.log());
            assertTrue(key.matches("[A-Za-z0-9_-]{43}\n"), key);
            key = key.strip();
            assertEquals(key, Files.readString(dir.resolve("data").resolve(AdminApiKey.FILE_NAME)).strip());
            assertEquals(200, AdminHttp.get(first.adminPort(), "/admin/status", key).status());
        } finally {
            first.stop();
        }
        Node second = start("node1-restarted", Map.of());
        try {
            assertEquals(key + "\n", grepAwk(second.log()), "the same key, logged again");
            assertEquals(200, AdminHttp.get(second.adminPort(), "/admin/status", key).status());
        } finally {
            second.stop();
        }
    }

    @Test
    void aKeyFromTheEnvironmentIsUsedAndNeverLogged() throws Exception {
        Node node = start("node1", Map.of("CHRONIK_ADMIN_API_KEY", "operator-chosen-key-42"));
        try {
            String log = Files.readString(node.log());
            assertEquals("", grepAwk(node.log()), log);
            assertFalse(log.contains("operator-chosen-key-42"), log);
            assertTrue(log.contains("Admin API authentication: key from CHRONIK_ADMIN_API_KEY"), log);
            assertEquals(200, AdminHttp.get(node.adminPort(), "/admin/status", "operator-chosen-key-42").status());
            assertEquals(401, AdminHttp.get(node.adminPort(), "/admin/status", "other").status());
            assertFalse(Files.exists(dir.resolve("data").resolve(AdminApiKey.FILE_NAME)));
        } finally {
            node.stop();
        }
    }
}
