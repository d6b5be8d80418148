package io.chronik.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationOffsetCheckpointTest {

    @TempDir
    Path dir;

    @Test
    void writesAtomicallyAndReadsBack() throws IOException {
        Path file = dir.resolve(ReplicationOffsetCheckpoint.FILE_NAME);
        assertEquals(List.of(), ReplicationOffsetCheckpoint.read(file), "no file: no marks");
        UUID orders = UUID.randomUUID();
        var marks = List.of(new ReplicationOffsetCheckpoint.Mark("orders", 0, orders, 42),
                new ReplicationOffsetCheckpoint.Mark("orders", 1, orders, 0),
                new ReplicationOffsetCheckpoint.Mark("__consumer_offsets", 7, UUID.randomUUID(), 3));
        ReplicationOffsetCheckpoint.write(file, marks);
        assertEquals(marks, ReplicationOffsetCheckpoint.read(file));
        assertEquals("0", Files.readAllLines(file).getFirst(), "Kafka's checkpoint layout: version line first");
        assertEquals("3", Files.readAllLines(file).get(1));
        assertEquals("orders 0 42 " + orders, Files.readAllLines(file).get(2));
        assertFalse(Files.exists(dir.resolve(ReplicationOffsetCheckpoint.FILE_NAME + ".tmp")));

        ReplicationOffsetCheckpoint.write(file, List.of());
        assertEquals(List.of(), ReplicationOffsetCheckpoint.read(file));
    }

    @Test
    void malformedFilesAreReportedNotGuessed() throws IOException {
        Path file = dir.resolve(ReplicationOffsetCheckpoint.FILE_NAME);
        Files.writeString(file, "0\n2\norders 0 5 " + UUID.randomUUID() + "\n");
        IOException e = assertThrows(IOException.class, () -> ReplicationOffsetCheckpoint.read(file));
        assertTrue(e.getMessage().contains("expected 2 entries, found 1"), e.getMessage());
        Files.writeString(file, "0\n1\norders zero 5 " + UUID.randomUUID() + "\n");
        assertThrows(IOException.class, () -> ReplicationOffsetCheckpoint.read(file));
        Files.writeString(file, "9\n0\n");
        assertThrows(IOException.class, () -> ReplicationOffsetCheckpoint.read(file));
    }
}
