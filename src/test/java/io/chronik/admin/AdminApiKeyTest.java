package io.chronik.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import io.chronik.metadata.MetadataImage;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AdminApiKeyTest {

    @TempDir
    Path dataDir;

    private Path keyFile() {
        return dataDir.resolve(AdminApiKey.FILE_NAME);
    }

    @Test
    void firstStartGeneratesAStrongKeyInAnOwnerOnlyFile() throws IOException {
        AdminApiKey key = AdminApiKey.resolve(Optional.empty(), dataDir);
        assertEquals(AdminApiKey.Source.GENERATED, key.source());
        assertTrue(key.value().matches("[A-Za-z0-9_-]{43}"), key.value()); // 32 random bytes, URL-safe base64
        assertEquals(key.value() + "\n", Files.readString(keyFile()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())));
        assertFalse(Files.exists(dataDir.resolve(AdminApiKey.FILE_NAME + ".tmp")));
    }

    @Test
    void laterStartsReuseTheKey() throws IOException {
        String first = AdminApiKey.resolve(Optional.empty(), dataDir).value();
        AdminApiKey second = AdminApiKey.resolve(Optional.empty(), dataDir);
        assertEquals(AdminApiKey.Source.DATA_DIR, second.source());
        assertEquals(first, second.value());
    }

    @Test
    void everyDataDirGetsItsOwnKey(@TempDir Path other) throws IOException {
        assertNotEquals(AdminApiKey.resolve(Optional.empty(), dataDir).value(),
                AdminApiKey.resolve(Optional.empty(), other).value());
    }

    @Test
    void theEnvironmentKeyTakesPrecedenceAndWritesNothing() throws IOException {
        AdminApiKey.resolve(Optional.empty(), dataDir);
        String stored = Files.readString(keyFile());
        AdminApiKey key = AdminApiKey.resolve(Optional.of("from-the-environment"), dataDir);
        assertEquals(AdminApiKey.Source.ENVIRONMENT, key.source());
        assertEquals("from-the-environment", key.value());
        assertEquals(stored, Files.readString(keyFile()));
    }

    @Test
    void environmentKeyOnAFreshDataDirCreatesNoFile() throws IOException {
        AdminApiKey.resolve(Optional.of("from-the-environment"), dataDir);
        assertFalse(Files.exists(keyFile()));
    }

    @Test
    void aKeyFileReadableByOthersIsMadeOwnerOnly() throws IOException {
        AdminApiKey.resolve(Optional.empty(), dataDir);
        Files.setPosixFilePermissions(keyFile(), PosixFilePermissions.fromString("rw-r--r--"));
        AdminApiKey.resolve(Optional.empty(), dataDir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())));
    }

    @Test
    void anEmptyKeyFileStopsTheStartNamingIt() throws IOException {
        Files.writeString(keyFile(), "\n");
        IOException e = assertThrows(IOException.class, () -> AdminApiKey.resolve(Optional.empty(), dataDir));
        assertTrue(e.getMessage().startsWith("Admin API key file " + keyFile() + " does not hold a key"),
                e.getMessage());
    }

    @Test
    void matchesOnlyTheExactKey() {
        AdminApiKey key = AdminApiKey.of("abcdefghijklmnop");
        assertTrue(key.matches("abcdefghijklmnop"));
        assertFalse(key.matches("abcdefghijklmnoq"));
        assertFalse(key.matches("abcdefghijklmno"));
        assertFalse(key.matches(""));
        assertFalse(key.matches(null));
    }

    @Test
    void toStringNeverShowsTheKey() {
        assertFalse(AdminApiKey.of("very-secret-key-123").toString().contains("very-secret"));
    }

    private static MetadataImage imageWithKey(String key) {
        return new MetadataImage("c", 1, Map.of(), Map.of(), 0, Map.of(), key);
    }

    @Test
    void aClusterNodeHasNoKeyUntilItsMetadataHoldsTheClusterKey() throws IOException {
        var clusterKey = new ClusterAdminApiKey(dataDir, LoggerFactory.getLogger(AdminApiKeyTest.class));
        clusterKey.accept(imageWithKey(""));
        assertEquals(null, clusterKey.get());
        assertFalse(Files.exists(keyFile()));

        String key = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWpr";
        clusterKey.accept(imageWithKey(key));
        assertEquals(AdminApiKey.Source.CLUSTER, clusterKey.get().source());
        assertTrue(clusterKey.get().matches(key));
        assertEquals(key + "\n", Files.readString(keyFile()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())));
    }

    @Test
    void theClusterKeyReplacesAKeyTheNodeGeneratedForItselfBefore() throws IOException {
        String own = AdminApiKey.resolve(Optional.empty(), dataDir).value();
        var clusterKey = new ClusterAdminApiKey(dataDir, LoggerFactory.getLogger(AdminApiKeyTest.class));
        String key = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWpr";
        clusterKey.accept(imageWithKey(key));
        assertFalse(clusterKey.get().matches(own));
        assertEquals(key + "\n", Files.readString(keyFile()));
        assertEquals(AdminApiKey.Source.DATA_DIR, AdminApiKey.resolve(Optional.empty(), dataDir).source());
        assertEquals(key, AdminApiKey.resolve(Optional.empty(), dataDir).value());
    }
}
