package io.chronik.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronik.common.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone node's durable metadata log: one committed {@link MetadataCommand} per line.
 *
 * <p>Format ({@code journal.jsonl}): UTF-8 lines, each {@code {"type":"<command record name>","command":{...}}}
 * (the record's components as JSON fields) followed by '\n'. A command is appended and forced to disk
 * ({@code fdatasync}) before it is applied and published.
 *
 * <p>Recovery: a crash can leave only an incomplete last line (no trailing '\n', possibly zero-filled); {@link #open}
 * truncates it. Any complete line that does not parse is corruption and fails the open with the file and line.
 * Not thread-safe: {@link LocalMetadataStore} serialises access.
 */
final class MetadataJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Class<?>> TYPES = Stream.of(MetadataCommand.class.getPermittedSubclasses())
            .collect(Collectors.toMap(Class::getSimpleName, Function.identity()));

    private final Path file;
    private final FileChannel channel;

    private MetadataJournal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (creating if needed) the journal and returns it with the commands it holds, in order. */
    static MetadataJournal open(Path file, List<MetadataCommand> replayed) throws IOException {
        boolean created = !Files.exists(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            if (created) {
                DurableFiles.forceDirectory(file.getParent());
            }
            byte[] bytes = Files.readAllBytes(file);
            int lineStart = 0;
            int lineNumber = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    lineNumber++;
                    String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8);
                    replayed.add(parse(file, lineNumber, line));
                    lineStart = i + 1;
                }
            }
            if (lineStart < bytes.length) {
                LOG.warn("Metadata journal {}: truncating an incomplete last entry of {} bytes (left by a crash)", file,
                        bytes.length - lineStart);
                channel.truncate(lineStart);
                channel.force(true);
            }
            channel.position(lineStart);
            return new MetadataJournal(file, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static MetadataCommand parse(Path file, int lineNumber, String line) throws IOException {
        try {
            JsonNode node = JSON.readTree(line);
            Class<?> type = TYPES.get(node.path("type").asText());
            if (type == null) {
                throw new IOException("unknown command type '" + node.path("type").asText() + "'");
            }
            return (MetadataCommand) JSON.treeToValue(node.get("command"), type);
        } catch (IOException e) {
            throw new IOException("Metadata journal " + file + " is corrupt at line " + lineNumber + ": "
                    + e.getMessage(), e);
        }
    }

    /** Appends {@code command} and forces it to disk; on failure the journal is left as it was, if possible. */
    void append(MetadataCommand command) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", command.getClass().getSimpleName());
        node.set("command", JSON.valueToTree(command));
        ByteBuffer buf = ByteBuffer.wrap((JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8));
        long start = channel.position();
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            try {
                channel.truncate(start);
                channel.position(start);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IOException("Cannot append to metadata journal " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
