package io.chronik.metadata.raft;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronik.common.DurableFiles;
import io.chronik.metadata.MetadataImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A state-machine snapshot file: the whole {@link MetadataImage} as UTF-8 JSON,
 * {@code {"format":1,"image":{...}}}, where the image's record components are JSON fields (its controller id is
 * written as -1: leadership is not state). Ratis names the file {@code snapshot.<term>_<index>} (the last log entry
 * it covers) in the group's {@code sm/} directory and keeps an {@code .md5} beside it.
 *
 * <p>Crash safety: {@link #write} writes a temporary file in the same directory, forces it, renames it atomically to
 * its final name and forces the directory, so a snapshot file either is complete or does not exist.
 */
final class ImageSnapshot {

    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ImageSnapshot() {
    }

    static void write(MetadataImage image, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.set("image", JSON.valueToTree(image.withControllerId(-1)));
        DurableFiles.replace(file, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                JSON.writeValue(out, root);
            }
        });
    }

    /** @throws IOException naming the file when it is not a snapshot this version can read */
    static MetadataImage read(Path file) throws IOException {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            int format = root.path("format").asInt(-1);
            if (format != FORMAT) {
                throw new IOException("unsupported snapshot format " + format);
            }
            return JSON.treeToValue(root.get("image"), MetadataImage.class);
        } catch (IOException e) {
            throw new IOException("Metadata snapshot " + file + " is unreadable: " + e.getMessage(), e);
        }
    }
}
