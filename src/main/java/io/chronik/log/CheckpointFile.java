package io.chronik.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A small text file that is replaced atomically: the new content is written to {@code <name>.tmp}, forced, renamed
 * over the old file ({@code ATOMIC_MOVE}) and the directory is forced, so after a crash the file holds either the
 * old or the new content, never a mix.
 *
 * <p>Layout (Kafka's checkpoint style): line 1 is the format version {@code 0}, then the payload lines. The
 * single-offset checkpoints ({@code log-start-offset}, {@code recovery-point}) hold one line with the offset.
 *
 * <p>Thread-safety: stateless; callers serialize writes to the same file.
 */
final class CheckpointFile {

    private static final String VERSION = "0";

    private CheckpointFile() {
    }

    /** Atomically replaces {@code file} with the version line followed by {@code lines}. */
    static void write(Path file, List<String> lines) throws IOException {
        var text = new StringBuilder(VERSION).append('\n');
        for (String line : lines) {
            text.append(line).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            var bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file.getParent());
    }

    /** The payload lines of {@code file}, or empty when it does not exist. */
    static Optional<List<String>> read(Path file) throws IOException {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.getFirst().equals(VERSION)) {
                throw new IOException("unsupported checkpoint format in " + file);
            }
            return Optional.of(lines.subList(1, lines.size()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    static void writeOffset(Path file, long offset) throws IOException {
        write(file, List.of(Long.toString(offset)));
    }

    static OptionalLong readOffset(Path file) throws IOException {
        Optional<List<String>> lines = read(file);
        if (lines.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(lines.get().getFirst().trim()));
        } catch (RuntimeException e) {
            throw new IOException("malformed offset checkpoint " + file, e);
        }
    }

    /** Makes renames and file creations in {@code dir} durable. */
    static void forceDirectory(Path dir) throws IOException {
        try (var channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
