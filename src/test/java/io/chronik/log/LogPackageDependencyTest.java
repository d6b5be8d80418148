package io.chronik.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log is the lowest layer: it imports only the JDK, slf4j and itself. */
class LogPackageDependencyTest {

    @Test
    void logPackageImportsNoKafkaClassesAndNoOtherChronikPackage() throws Exception {
        var violations = new ArrayList<String>();
        try (var files = Files.walk(Path.of("src/main/java/io/chronik/log"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (String line : lines) {
                    String trimmed = line.trim();
                    if (!trimmed.startsWith("import ")) {
                        continue;
                    }
                    String target = trimmed.replace("import static ", "").replace("import ", "");
                    boolean allowed = target.startsWith("java.") || target.startsWith("org.slf4j.")
                            || target.startsWith("io.chronik.log.");
                    if (!allowed) {
                        violations.add(file.getFileName() + ": " + trimmed);
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
