package io.chronik.log;

import static io.chronik.log.TestBatches.batch;
import static io.chronik.log.TestBatches.readAll;
import static io.chronik.log.TestBatches.withFlush;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.testing.TestFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shared journal: appends acknowledged through it survive a crash that loses the unforced tail of their segments,
 * truncations are not undone by replay, entries of a deleted log are skipped, the ring wraps and checkpoints free it.
 * A crash is simulated by copying the data directory while the logs are open, with the segment files cut (what the
 * kernel had not written back) and the journal file as it is (it was forced).
 */
class JournalTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long CAPACITY = Journal.MIN_CAPACITY;

    @TempDir
    Path tmp;

    /** A broker's log stack over one data directory: the journal (replayed first) and a flusher that uses it. */
    private static final class Stack implements AutoCloseable {
        final Path data;
        final LogFlusher flusher;
        final List<PartitionLog> logs = new ArrayList<>();

        Stack(Path data) throws IOException {
            this.data = data;
            Journal journal = JournalReplay.open(data.resolve(Journal.DIRECTORY), CAPACITY, data.resolve("logs"),
                    LogConfig.DEFAULT);
            this.flusher = new LogFlusher(2, journal, data.resolve("logs"));
        }

        PartitionLog open(String name, LogConfig config) throws IOException {
            PartitionLog log = PartitionLog.open(data.resolve("logs").resolve(name), config, flusher);
            logs.add(log);
            return log;
        }

        Journal journal() {
            return flusher.journalFor(data.resolve("logs").resolve("x"));
        }

        @Override
        public void close() throws IOException {
            for (PartitionLog log : logs) {
                log.close();
            }
            flusher.close();
        }
    }

    private static void appendDurably(PartitionLog log, ByteBuffer batch) throws Exception {
        PartitionLog.AppendResult result = log.append(batch, 0, -1);
        assertTrue(log.awaitDurable(result.lastOffset() + 1, WAIT));
    }

    /**
     * A copy of {@code data} as a crash right now leaves it: every {@code .log} segment file cut to
     * {@code segmentLength(size)} bytes (the unforced tail lost), every other file as it is.
     */
    private Path crashCopy(Path data, LongUnaryOperator segmentLength) throws IOException {
        Path copy = tmp.resolve("crashed-" + System.nanoTime());
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.sorted().toList()) {
                Path target = copy.resolve(data.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.copy(file, target);
                if (file.getFileName().toString().endsWith(".log") && !file.getParent().endsWith(Journal.DIRECTORY)) {
                    try (var channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                        channel.truncate(segmentLength.applyAsLong(channel.size()));
                    }
                }
            }
        }
        return copy;
    }

    private static List<ByteBuffer> bytes(List<RecordBatch> batches) {
        List<ByteBuffer> all = new ArrayList<>();
        for (RecordBatch b : batches) {
            ByteBuffer buffer = ByteBuffer.allocate(b.sizeInBytes());
            b.writeTo(buffer);
            all.add(buffer.flip());
        }
        return all;
    }

    @ParameterizedTest(name = "segments cut to {0}% of their length")
    @ValueSource(ints = {0, 50, 100})
    void acknowledgedAppendsSurviveLosingTheUnforcedSegmentTails(int keptPercent) throws Exception {
        Path data = tmp.resolve("data");
        List<ByteBuffer> expected0;
        List<ByteBuffer> expected1;
        Path crashed;
        try (var stack = new Stack(data)) {
            PartitionLog t0 = stack.open("t-0", LogConfig.DEFAULT);
            PartitionLog t1 = stack.open("t-1", LogConfig.DEFAULT);
            for (int i = 0; i < 40; i++) {
                appendDurably(t0, batch(5, 1000 + i, 100));
                appendDurably(t1, batch(3, 2000 + i, 50));
            }
            assertTrue(stack.journal().usedBytes() > 0, "the appends went through the journal");
            expected0 = bytes(readAll(t0));
            expected1 = bytes(readAll(t1));
            crashed = crashCopy(data, size -> size * keptPercent / 100);
        }
        try (var stack = new Stack(crashed)) {
            assertEquals(expected0, bytes(readAll(stack.open("t-0", LogConfig.DEFAULT))));
            assertEquals(expected1, bytes(readAll(stack.open("t-1", LogConfig.DEFAULT))));
            assertEquals(0, stack.journal().usedBytes(), "the replayed journal starts empty");
        }
    }

    @Test
    void replayDoesNotUndoATruncation() throws Exception {
        Path data = tmp.resolve("data");
        Path keptSegments;
        Path lostSegments;
        List<ByteBuffer> expected;
        try (var stack = new Stack(data)) {
            PartitionLog log = stack.open("t-0", LogConfig.DEFAULT);
            for (int i = 0; i < 4; i++) {
                appendDurably(log, batch(5, 1000 + i, 100)); // offsets 0-19
            }
            log.truncateTo(10);
            appendDurably(log, batch(7, 5000, 30)); // offsets 10-16, other bytes than the truncated batches
            expected = bytes(readAll(log));
            keptSegments = crashCopy(data, size -> size);
            lostSegments = crashCopy(data, size -> 0);
        }
        for (Path crashed : List.of(keptSegments, lostSegments)) {
            try (var stack = new Stack(crashed)) {
                PartitionLog log = stack.open("t-0", LogConfig.DEFAULT);
                assertEquals(expected, bytes(readAll(log)));
                assertEquals(17, log.logEndOffset());
            }
        }
    }

    @Test
    void entriesOfALogThatWasDeletedAndCreatedAgainAreSkipped() throws Exception {
        Path data = tmp.resolve("data");
        Path crashed;
        try (var stack = new Stack(data)) {
            PartitionLog log = stack.open("t-0", LogConfig.DEFAULT);
            appendDurably(log, batch(5, 1000, 100));
            crashed = crashCopy(data, size -> 0);
        }
        Path dir = crashed.resolve("logs").resolve("t-0");
        TestFiles.deleteTree(dir);
        try (var flusher = new LogFlusher(1)) {
            PartitionLog.open(dir, LogConfig.DEFAULT, flusher).close(); // a new, empty log with a new id
        }
        try (var stack = new Stack(crashed)) {
            assertEquals(0, stack.open("t-0", LogConfig.DEFAULT).logEndOffset());
        }
    }

    @Test
    void theRingWrapsAndCheckpointsFreeItsSpace() throws Exception {
        Path data = tmp.resolve("data");
        List<ByteBuffer> expected;
        Path crashed;
        try (var stack = new Stack(data)) {
            PartitionLog t0 = stack.open("t-0", LogConfig.DEFAULT);
            PartitionLog t1 = stack.open("t-1", LogConfig.DEFAULT);
            ByteBuffer big = batch(60, 1000, 1000); // about 61 KiB
            long written = 0;
            for (int i = 0; written < 3 * CAPACITY; i++) {
                ByteBuffer copy = ByteBuffer.allocate(big.remaining()).put(big.duplicate()).flip();
                appendDurably(i % 2 == 0 ? t0 : t1, copy);
                written += copy.remaining();
            }
            Journal journal = stack.journal();
            await().atMost(WAIT).until(() -> journal.usedBytes() <= CAPACITY / 2);
            assertTrue(Files.size(data.resolve(Journal.DIRECTORY).resolve(Journal.FILE)) <= CAPACITY);
            expected = bytes(readAll(t0));
            // the batches journaled since the last checkpoint may be missing from the segment: cut a bit less
            long unforced = journal.usedBytes() / 2 / 2;
            crashed = crashCopy(data, size -> Math.max(0, size - unforced));
        }
        try (var stack = new Stack(crashed)) {
            assertEquals(expected, bytes(readAll(stack.open("t-0", LogConfig.DEFAULT))));
        }
    }

    private record Crash(Path dir, List<ByteBuffer> expected, long journalEnd) {}

    /**
     * Three batches appended durably to t-0, then {@code more} more, and a copy of the data as a crash leaves it with
     * the segments lost; {@code expected} and {@code journalEnd} are the log and the journal after the first three.
     */
    private Crash threeBatchesThenCrash(int more) throws Exception {
        Path data = tmp.resolve("data");
        try (var stack = new Stack(data)) {
            PartitionLog log = stack.open("t-0", LogConfig.DEFAULT);
            for (int i = 0; i < 3; i++) {
                appendDurably(log, batch(5, 1000 + i, 100));
            }
            List<ByteBuffer> expected = bytes(readAll(log));
            long journalEnd = stack.journal().usedBytes();
            for (int i = 0; i < more; i++) {
                appendDurably(log, batch(5, 2000 + i, 100));
            }
            return new Crash(crashCopy(data, size -> 0), expected, journalEnd);
        }
    }

    @Test
    void aTornEntryAtTheEndOfTheJournalEndsTheReplay() throws Exception {
        Crash crash = threeBatchesThenCrash(1);
        try (var channel = FileChannel.open(crash.dir().resolve(Journal.DIRECTORY).resolve(Journal.FILE),
                StandardOpenOption.WRITE)) {
            channel.truncate(crash.journalEnd() + 40); // the fourth entry was only partly written
        }
        try (var stack = new Stack(crash.dir())) {
            assertEquals(crash.expected(), bytes(readAll(stack.open("t-0", LogConfig.DEFAULT))));
        }
    }

    @Test
    void switchingTheJournalOffReplaysAndRemovesIt() throws Exception {
        Crash crash = threeBatchesThenCrash(0);
        Path crashed = crash.dir();
        List<ByteBuffer> expected = crash.expected();
        JournalReplay.replayAndRemove(crashed.resolve(Journal.DIRECTORY), crashed.resolve("logs"), LogConfig.DEFAULT);
        assertFalse(Files.exists(crashed.resolve(Journal.DIRECTORY)));
        try (var flusher = new LogFlusher(1);
                var log = PartitionLog.open(crashed.resolve("logs").resolve("t-0"), LogConfig.DEFAULT, flusher)) {
            assertEquals(expected, bytes(readAll(log)));
        }
    }

    @ParameterizedTest(name = "checkpoint line \"{0}\"")
    @ValueSource(strings = {"0 0", "a b c", "0 0 0", "-1 0 16777216"})
    void aMalformedCheckpointIsAnErrorNamingTheFile(String line) throws Exception {
        Path data = tmp.resolve("data");
        new Stack(data).close();
        Path checkpoint = data.resolve(Journal.DIRECTORY).resolve(Journal.CHECKPOINT_FILE);
        Files.writeString(checkpoint, "0\n" + line + "\n");
        IOException e = assertThrows(IOException.class, () -> new Stack(data));
        assertTrue(e.getMessage().contains("malformed journal checkpoint " + checkpoint), e.getMessage());
    }

    @Test
    void aRelaxedFlushPolicyBypassesTheJournal() throws Exception {
        try (var stack = new Stack(tmp.resolve("data"))) {
            PartitionLog log = stack.open("t-0", withFlush(LogConfig.DEFAULT, 10, Long.MAX_VALUE));
            for (int i = 0; i < 5; i++) {
                log.append(batch(5, 1000 + i, 100), 0, -1);
            }
            assertEquals(0, stack.journal().usedBytes());
            await().atMost(WAIT).until(() -> log.durableEndOffset() == 25); // forced in its segment
        }
    }

    /** Records the entries a replay hands over (payloads copied). */
    private static final class Recorder implements Journal.ReplayHandler {
        final List<String> entries = new ArrayList<>();

        @Override
        public void apply(Journal.Entry entry) {
            byte[] payload = new byte[entry.payload().remaining()];
            entry.payload().duplicate().get(payload);
            entries.add(entry.logName() + ":" + new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void finish() {}
    }

    /** Appends an entry for log {@code name} with {@code payload} and forces the journal past it. */
    private static void appendForced(Journal journal, String name, String payload) throws IOException {
        long end = append(journal, name, payload);
        journal.forceUpTo(end);
    }

    private static long append(Journal journal, String name, String payload) throws IOException {
        byte[] logName = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8));
        int size = Journal.entrySize(logName, bytes.remaining());
        assertTrue(journal.reserve(size));
        return journal.append(Journal.APPEND, 1, logName, bytes, size);
    }

    /** A copy of a journal directory as a crash right now leaves it (the file was forced). */
    private Path copyOf(Path dir) throws IOException {
        Path copy = tmp.resolve("copy-" + System.nanoTime());
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    @ParameterizedTest(name = "direct IO {0}")
    @ValueSource(booleans = {true, false})
    void theFileOfAnEarlierRunIsReusedWithoutReplayingItsEntries(boolean direct) throws Exception {
        Path dir = tmp.resolve("journal");
        try (Journal journal = Journal.open(dir, CAPACITY, new Recorder(), direct)) {
            for (int i = 0; i < 5; i++) {
                appendForced(journal, "old-" + i, "x".repeat(5000));
            }
        }
        long sizeBefore = Files.size(dir.resolve(Journal.FILE));
        assertTrue(sizeBefore >= 25_000, "the entries were written: " + sizeBefore);
        Path crashed;
        try (Journal journal = Journal.open(dir, CAPACITY, new Recorder(), direct)) {
            assertTrue(Files.size(dir.resolve(Journal.FILE)) >= sizeBefore, "the file is kept");
            appendForced(journal, "new-0", "y".repeat(5000)); // ends exactly where old-1 begins
            crashed = copyOf(dir);
        }
        var replayed = new Recorder();
        Journal.open(crashed, CAPACITY, replayed, direct).close();
        // old-1, the entry after the new one in the file, is intact but has a smaller sequence number: replay stops
        assertEquals(List.of("new-0:" + "y".repeat(5000)), replayed.entries);
    }

    @Test
    void intactEntriesAfterATornOneAreNeverReplayedInALaterRun() throws Exception {
        Path dir = tmp.resolve("journal");
        Path crashed;
        try (Journal journal = Journal.open(dir, CAPACITY, new Recorder())) {
            for (int i = 0; i < 5; i++) {
                appendForced(journal, "old-" + i, "x".repeat(5000)); // entries of 5032 bytes
            }
            crashed = copyOf(dir);
        }
        try (var channel = FileChannel.open(crashed.resolve(Journal.FILE), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {'!'}), 5032 + 100); // old-1 torn; old-2..4 intact after it
        }
        var first = new Recorder();
        Path again;
        try (Journal journal = Journal.open(crashed, CAPACITY, first)) {
            assertEquals(List.of("old-0:" + "x".repeat(5000)), first.entries);
            appendForced(journal, "new-0", "y".repeat(5000 + 5032)); // ends exactly where old-2 begins
            again = copyOf(crashed);
        }
        var second = new Recorder();
        Journal.open(again, CAPACITY, second).close();
        assertEquals(List.of("new-0:" + "y".repeat(5000 + 5032)), second.entries);
    }

    @ParameterizedTest(name = "direct IO {0}")
    @ValueSource(booleans = {true, false})
    void entriesBeyondTheStagingRingAreWrittenOutByTheAppender(boolean direct) throws Exception {
        Path dir = tmp.resolve("journal");
        List<String> expected = new ArrayList<>();
        Path crashed;
        long capacity = 4 * Journal.MIN_CAPACITY;
        try (Journal journal = Journal.open(dir, capacity, new Recorder(), direct)) {
            var random = new Random(7);
            long end = 0;
            // 1.5 times the staging ring, without a force: the appenders write the staged bytes out themselves
            for (int i = 0; end < Journal.STAGING_BYTES * 3L / 2; i++) {
                char[] payload = new char[1000 + random.nextInt(300_000)];
                Arrays.fill(payload, (char) ('a' + i % 26));
                String text = i + new String(payload);
                end = append(journal, "log-" + i, text);
                expected.add("log-" + i + ":" + text);
            }
            journal.forceUpTo(end);
            crashed = copyOf(dir);
        }
        var replayed = new Recorder();
        Journal.open(crashed, capacity, replayed, direct).close();
        assertEquals(expected, replayed.entries);
    }

    @Test
    void theFileIsZeroFilledAheadOfTheWritesOnlyUpToItsCapacity() throws Exception {
        Path dir = tmp.resolve("data").resolve(Journal.DIRECTORY);
        try (var stack = new Stack(tmp.resolve("data"))) {
            assertEquals(0, Files.size(dir.resolve(Journal.FILE)), "nothing is written before the first entry");
            appendDurably(stack.open("t-0", LogConfig.DEFAULT), batch(5, 1000, 100));
            // the filler runs ahead of the writes, so later forces overwrite blocks that exist
            await().atMost(WAIT).until(() -> Files.size(dir.resolve(Journal.FILE)) >= Math.min(CAPACITY, 8 << 20));
        }
        Files.write(dir.resolve(Journal.FILE), new byte[1024], StandardOpenOption.APPEND); // as a larger ring leaves it
        Files.write(dir.resolve(Journal.FILE), new byte[(int) CAPACITY], StandardOpenOption.APPEND);
        new Stack(tmp.resolve("data")).close();
        assertEquals(CAPACITY, Files.size(dir.resolve(Journal.FILE)), "a file larger than the ring is cut to it");
    }

    @Test
    void aCheckpointWhoseSegmentForceFailsKeepsTheJournalsEntries() throws Exception {
        try (var stack = new Stack(tmp.resolve("data"))) {
            PartitionLog broken = stack.open("t-0", LogConfig.DEFAULT);
            PartitionLog healthy = stack.open("t-1", LogConfig.DEFAULT);
            appendDurably(broken, batch(5, 1000, 100));
            appendDurably(healthy, batch(5, 2000, 100));
            Journal journal = stack.journal();
            long used = journal.usedBytes();
            // closing a segment's channel (as an interrupt during file IO would) makes its force fail
            broken.read(0, 1 << 20, Long.MAX_VALUE, true).channel().close();
            assertThrows(IOException.class, journal::checkpoint);
            assertEquals(used, journal.usedBytes(), "the entries stay in the journal until their segments are forced");
            stack.logs.remove(broken);
            try {
                broken.close();
            } catch (IOException expected) {
                // its segment cannot be forced
            }
            journal.checkpoint();
            assertEquals(0, journal.usedBytes(), "without the broken log the checkpoint completes");
        }
    }

    @Test
    void aLogOutsideTheJournalsDirectoryForcesItsOwnSegments() throws Exception {
        try (var stack = new Stack(tmp.resolve("data"))) {
            PartitionLog log = PartitionLog.open(tmp.resolve("elsewhere").resolve("t-0"), LogConfig.DEFAULT,
                    stack.flusher);
            stack.logs.add(log);
            appendDurably(log, batch(5, 1000, 100));
            assertEquals(0, stack.journal().usedBytes());
        }
    }
}
