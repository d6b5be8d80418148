package io.chronik.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the benchmark harness from rotting: runs {@code bin/bench/run.sh --smoke --systems chronik} (tiny record
 * counts, the official Kafka perf tools, a Chronik server process started from this test's classpath) and checks
 * that it printed and wrote the comparison table with a measured start-up time and a non-zero produce throughput.
 * The harness installs the Kafka command-line tools from Maven Central itself ({@code make kafka-cli}) when they are
 * missing, so this test needs Maven and network access only on a machine that never ran it.
 */
@EnabledOnOs(OS.LINUX)
class BenchSmokeTest {

    private static final long TIMEOUT_SECONDS = 180;

    @TempDir
    Path dir;

    @Test
    void smokeRunMeasuresChronikAndWritesTheResultsTable() throws IOException, InterruptedException {
        Path out = dir.resolve("results");
        Path log = dir.resolve("bench.out");
        var builder = new ProcessBuilder("bash", "bin/bench/run.sh", "--smoke", "--systems", "chronik",
                "--out", out.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("CHRONIK_CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().put("BENCH_NO_INSTALL", "1");
        Process bench = builder.start();
        if (!bench.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            bench.descendants().forEach(ProcessHandle::destroyForcibly);
            bench.destroyForcibly();
            fail("bin/bench/run.sh --smoke did not finish in " + TIMEOUT_SECONDS + " s:\n" + tail(log));
        }
        assertEquals(0, bench.exitValue(), () -> "bin/bench/run.sh --smoke failed:\n" + tail(log));

        String printed = Files.readString(log);
        assertTrue(printed.contains("Chronik/Kafka"), () -> "no results table printed:\n" + tail(log));
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertTrue(summary.getFirst().startsWith("workload,metric,Chronik,"), summary.getFirst());
        assertTrue(chronikValue(summary, "start-up", "first produce after launch (ms)") > 0, String.join("\n", summary));
        assertTrue(chronikValue(summary, "W1 produce", "throughput (records/s)") > 0, String.join("\n", summary));
        assertTrue(chronikValue(summary, "W3 produce", "throughput (MiB/s)") > 0, String.join("\n", summary));
        assertTrue(Files.readString(out.resolve("summary.md")).contains("## Results"));
    }

    /** The Chronik column of the summary.csv row whose workload starts with the given prefix, or -1. */
    private static double chronikValue(List<String> summary, String workloadPrefix, String metric) {
        for (String row : summary) {
            String[] cells = row.split(",", -1);
            if (cells[0].startsWith(workloadPrefix) && cells[1].equals(metric)) {
                return cells[2].matches("[0-9.]+") ? Double.parseDouble(cells[2]) : -1;
            }
        }
        return -1;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
