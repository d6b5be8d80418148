package io.chronik.common;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe replacement of small files (node identity, snapshots, keys): the new content is written to a temporary
 * sibling ({@code <name>.tmp}), forced, renamed over the old file atomically and the directory is forced, so after a
 * crash the file holds either its old or its complete new content. (The partition log package keeps its own
 * {@code CheckpointFile}: it depends on nothing outside itself.)
 */
public final class DurableFiles {

    /** Writes the content of the temporary file it is given (which it may create with its own attributes). */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path temporary) throws IOException;
    }

    private DurableFiles() {
    }

    /** Replaces {@code file} by what {@code content} writes, as described above. */
    public static void replace(Path file, Content content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        content.writeTo(temporary);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(file.getParent());
    }

    /** Forces {@code dir}, so that file creations, renames and deletions in it survive a crash. */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
