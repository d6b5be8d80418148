package io.chronik;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layering of docs/ARCHITECTURE.md §3, checked on the import statements of src/main/java. A layer is a
 * top-level package under {@code io.chronik} (its subpackages belong to it); a file may import its own layer and
 * layers of strictly lower rank. Only the {@code kafka} layer may import {@code org.apache.kafka}, so that a
 * kafka-clients upgrade touches one place. Fully qualified names used without an import are not checked.
 */
class ArchitectureTest {

    /** Rank of every layer, bottom (0) to top. */
    private static final Map<String, Integer> RANKS = Map.ofEntries(
            Map.entry("common", 0), Map.entry("config", 0),
            Map.entry("log", 1), Map.entry("metadata", 1),
            Map.entry("txn", 2), Map.entry("group", 2), Map.entry("replication", 2),
            Map.entry("broker", 3),
            Map.entry("kafka", 4), Map.entry("admin", 4), Map.entry("backup", 4),
            Map.entry("server", 5),
            Map.entry("cli", 6));

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)(?:\\.\\*)?\\s*;",
            Pattern.MULTILINE);

    @Test
    void packagesOnlyDependOnLowerLayers() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES.resolve("io/chronik"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                violations.addAll(violationsOf(file));
            }
        }
        assertTrue(violations.isEmpty(), "layering violations:\n" + String.join("\n", violations));
    }

    private static List<String> violationsOf(Path file) throws IOException {
        String relative = SOURCES.relativize(file).toString().replace('\\', '/');
        String[] parts = relative.split("/");
        if (parts.length < 4) {
            return List.of(relative + " is directly in io.chronik; put it in a layer package");
        }
        String layer = parts[2];
        if (!RANKS.containsKey(layer)) {
            return List.of(relative + " is in package io.chronik." + layer
                    + ", which has no layer; add it to ArchitectureTest and docs/ARCHITECTURE.md");
        }
        List<String> violations = new ArrayList<>();
        Matcher imports = IMPORT.matcher(Files.readString(file));
        while (imports.find()) {
            String imported = imports.group(1);
            if (imported.startsWith("org.apache.kafka.") && !layer.equals("kafka")) {
                violations.add(relative + " imports " + imported + " (only kafka may use org.apache.kafka)");
            } else if (imported.startsWith("io.chronik.")) {
                String target = imported.split("\\.")[2];
                Integer targetRank = RANKS.get(target);
                if (!target.equals(layer) && (targetRank == null || targetRank >= RANKS.get(layer))) {
                    violations.add(relative + " imports " + imported + " (" + layer + " may not depend on "
                            + target + ")");
                }
            }
        }
        return violations;
    }
}
