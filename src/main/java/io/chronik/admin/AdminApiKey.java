package io.chronik.admin;

import io.chronik.common.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key every admin request except {@code /admin/health} must present in {@code X-API-Key}.
 *
 * <p>Where it comes from: {@code CHRONIK_ADMIN_API_KEY} (passed in through the config) when set. Otherwise, on a
 * standalone node, the file {@value #FILE_NAME} in the data dir, generated on the first start: 32 bytes from
 * {@link SecureRandom}, URL-safe base64 without padding (43 characters), one line. On a cluster node, the key the
 * Raft leader committed for the whole cluster ({@link #adoptClusterKey}, kept up to date by
 * {@link ClusterAdminApiKey}), written to the same file. The file is written to a temporary file created with
 * permissions {@code rw-------} and then renamed into place, so it never exists half-written or readable by others.
 * Later starts reuse it; a file that has become readable by others is reported and made owner-only again.
 *
 * <p>{@link #logAtStart} writes one INFO line {@code Admin API key: <key>} per start for a data-dir key, so
 * {@code grep "Admin API key" node1.log | awk '{print $NF}'} prints it (no other line contains that phrase); for a
 * key from the environment the line says so without the phrase, so that recipe finds nothing rather than a non-key.
 */
public final class AdminApiKey {

    /** Name of the key file in the data dir. */
    public static final String FILE_NAME = "admin-api-key";
    /** Phrase that starts the log line carrying a data-dir key. */
    public static final String LOG_PHRASE = "Admin API key: ";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_\\-.~+/=]{16,512}");
    private static final int RANDOM_BYTES = 32;

    /** Where the key came from. */
    public enum Source { ENVIRONMENT, GENERATED, DATA_DIR, CLUSTER }

    private final byte[] key;
    private final Source source;
    private final Path file;

    private AdminApiKey(String key, Source source, Path file) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.source = source;
        this.file = file;
    }

    /** A fixed key, as if it came from {@code CHRONIK_ADMIN_API_KEY} (tests and the CLI). */
    public static AdminApiKey of(String key) {
        return new AdminApiKey(key, Source.ENVIRONMENT, null);
    }

    /**
     * The configured key, else the data dir's key file, created with a new random key when missing.
     *
     * @throws IOException naming the file when it cannot be read or written, or holds no usable key
     */
    public static AdminApiKey resolve(Optional<String> configured, Path dataDir) throws IOException {
        if (configured.isPresent()) {
            return of(configured.get());
        }
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            return new AdminApiKey(read(file), Source.DATA_DIR, file);
        }
        return new AdminApiKey(generate(file), Source.GENERATED, file);
    }

    /**
     * The cluster's key (committed through Raft), written to the data dir's key file unless the file already holds
     * it. A different key there (a key this node generated for itself before the cluster had one, or garbage) is
     * replaced, with a warning that never shows either key.
     *
     * @throws IOException naming the file when it cannot be written
     */
    static AdminApiKey adoptClusterKey(String key, Path dataDir, Logger log) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        String before = null;
        if (Files.exists(file)) {
            try {
                before = read(file);
            } catch (IOException garbled) {
                before = "";
            }
        }
        if (before == null) {
            write(file, key);
            log.info("Adopted the cluster's admin key (committed through Raft), kept in {} (owner-only)", file);
        } else if (!before.equals(key)) {
            write(file, key);
            log.warn("Replaced the admin key in {} (this node's own key from before the cluster had one) with the "
                    + "cluster's key committed through Raft; the old key no longer works on any node", file);
        }
        return new AdminApiKey(key, Source.CLUSTER, file);
    }

    /** The cluster's key when the key file cannot be written (the error was logged). */
    static AdminApiKey clusterKeyOnlyInMemory(String key) {
        return new AdminApiKey(key, Source.CLUSTER, null);
    }

    private static String read(Path file) throws IOException {
        String key = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!WELL_FORMED.matcher(key).matches()) {
            throw new IOException("Admin API key file " + file + " does not hold a key (16-512 characters of "
                    + "[A-Za-z0-9_-.~+/=]); delete it to generate a new key on the next start");
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (!permissions.equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            LoggerFactory.getLogger(AdminApiKey.class).warn(
                    "{} had permissions {}; changed them to rw------- (owner only)", file,
                    PosixFilePermissions.toString(permissions));
        }
        return key;
    }

    private static String generate(Path file) throws IOException {
        byte[] random = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(random);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        write(file, key);
        return key;
    }

    private static void write(Path file, String key) throws IOException {
        DurableFiles.replace(file, temp -> {
            Files.deleteIfExists(temp); // left over from a crash during an earlier first start
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(temp, key + "\n", StandardCharsets.UTF_8);
        });
    }

    /** Whether {@code presented} is this key; takes the same time wherever the first difference is. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(key, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The key itself, to send in {@code X-API-Key} (forwarding, the CLI). */
    public String value() {
        return new String(key, StandardCharsets.UTF_8);
    }

    public Source source() {
        return source;
    }

    /** Writes the one start-up line that tells the operator where the key is (see the class comment). */
    public void logAtStart(Logger log) {
        switch (source) {
            case ENVIRONMENT -> log.info("Admin API authentication: key from CHRONIK_ADMIN_API_KEY");
            case GENERATED -> {
                log.info("Generated a new admin key, kept in {} (owner-only)", file);
                log.info("{}{}", LOG_PHRASE, value());
            }
            case DATA_DIR, CLUSTER -> log.info("{}{}", LOG_PHRASE, value());
        }
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "AdminApiKey[" + source + "]";
    }
}
