package io.chronik.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The high watermarks of a node's replicated partitions, kept in one file per log directory like Kafka's
 * {@code replication-offset-checkpoint}, so that a restarted leader or follower serves the high watermark it had
 * instead of starting again at the log start offset until its ISR reports.
 *
 * <p>Layout ({@link CheckpointFile}: written to a temp file, forced, renamed atomically, directory forced): the
 * version line {@code 0}, the number of entries, then one line per partition {@code <topic> <partition> <offset>
 * <topic id>}. The topic id (not in Kafka's file) keeps the mark of a deleted topic from applying to a new topic of
 * the same name.
 *
 * <p>A checkpointed mark is never above the high watermark the node had when it wrote it, and a high watermark
 * only covers records every ISR member held durably, so on restart it is safe to serve
 * {@code min(checkpoint, recovered durable end)}. Thread-safety: stateless; callers serialize writes.
 */
public final class ReplicationOffsetCheckpoint {

    /** File name inside the log directory ({@code <data_dir>/logs}). */
    public static final String FILE_NAME = "replication-offset-checkpoint";

    /** A partition's checkpointed high watermark and the id of the topic it belonged to. */
    public record Mark(String topic, int partition, UUID topicId, long highWatermark) {}

    private ReplicationOffsetCheckpoint() {
    }

    /** Atomically replaces {@code file} with {@code marks}. */
    public static void write(Path file, List<Mark> marks) throws IOException {
        List<String> lines = new ArrayList<>(marks.size() + 1);
        lines.add(Integer.toString(marks.size()));
        marks.forEach(m -> lines.add(m.topic() + " " + m.partition() + " " + m.highWatermark() + " " + m.topicId()));
        CheckpointFile.write(file, lines);
    }

    /**
     * The marks in {@code file}; empty when it does not exist.
     *
     * @throws IOException when it cannot be read or is malformed (the caller then starts without it)
     */
    public static List<Mark> read(Path file) throws IOException {
        Optional<List<String>> lines = CheckpointFile.read(file);
        List<Mark> marks = new ArrayList<>();
        if (lines.isEmpty()) {
            return marks;
        }
        try {
            List<String> payload = lines.get();
            int count = Integer.parseInt(payload.getFirst().trim());
            if (payload.size() != count + 1) {
                throw new IOException("expected " + count + " entries, found " + (payload.size() - 1));
            }
            for (String line : payload.subList(1, payload.size())) {
                String[] f = line.trim().split(" ");
                if (f.length != 4) {
                    throw new IOException("malformed line '" + line + "'");
                }
                marks.add(new Mark(f[0], Integer.parseInt(f[1]), UUID.fromString(f[3]), Long.parseLong(f[2])));
            }
            return marks;
        } catch (IOException | RuntimeException e) {
            throw new IOException("malformed replication offset checkpoint " + file + ": " + e.getMessage(), e);
        }
    }
}
