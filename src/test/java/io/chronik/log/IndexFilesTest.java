package io.chronik.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexFilesTest {

    @TempDir
    Path tmp;

    @Test
    void offsetIndexFindsTheLastEntryAtOrBelowTheTarget() throws Exception {
        var index = new OffsetIndex(tmp.resolve("a.index"), 100, 1024);
        index.append(110, 500);
        index.append(120, 1000);
        index.append(130, 1500);
        assertEquals(new OffsetIndex.OffsetPosition(100, 0), index.lookup(105));
        assertEquals(new OffsetIndex.OffsetPosition(110, 500), index.lookup(110));
        assertEquals(new OffsetIndex.OffsetPosition(120, 1000), index.lookup(129));
        assertEquals(new OffsetIndex.OffsetPosition(130, 1500), index.lookup(Long.MAX_VALUE));
        assertEquals(0, Files.size(tmp.resolve("a.index")), "while active, entries live in the heap only");

        index.truncateTo(120);
        assertEquals(new OffsetIndex.OffsetPosition(110, 500), index.lookup(200));
        index.seal();
        assertEquals(8, Files.size(tmp.resolve("a.index")), "sealing writes the entries, 8 bytes each");
        assertEquals(new OffsetIndex.OffsetPosition(110, 500), index.lookup(200));
        index.close();
    }

    @Test
    void sealedOffsetIndexIsReloadedAndSanityChecked() throws Exception {
        Path file = tmp.resolve("b.index");
        var index = new OffsetIndex(file, 0, 1024);
        index.append(10, 300);
        index.append(20, 600);
        index.seal();
        assertEquals(new OffsetIndex.OffsetPosition(20, 600), index.lookup(25));
        index.close();

        var reloaded = new OffsetIndex(file, 0, 1024);
        assertTrue(reloaded.loadSealed(1_000));
        assertEquals(new OffsetIndex.OffsetPosition(10, 300), reloaded.lookup(19));
        reloaded.close();
        var pastTheSegment = new OffsetIndex(file, 0, 1024);
        assertFalse(pastTheSegment.loadSealed(600), "last entry must lie inside the segment file");
        pastTheSegment.close();
    }

    @Test
    void fullIndexReportsFull() throws Exception {
        var index = new OffsetIndex(tmp.resolve("c.index"), 0, 2 * OffsetIndex.ENTRY_SIZE);
        index.append(1, 10);
        assertFalse(index.isFull());
        index.append(2, 20);
        assertTrue(index.isFull());
        index.close();
    }

    @Test
    void timeIndexKeepsIncreasingTimestampsAndLooksUpStrictlyBelow() throws Exception {
        var index = new TimeIndex(tmp.resolve("d.timeindex"), 50, 1024);
        index.maybeAppend(1_000, 55);
        index.maybeAppend(900, 60);
        index.maybeAppend(1_000, 61);
        index.maybeAppend(2_000, 70);
        assertEquals(Optional.of(new TimeIndex.TimestampOffset(2_000, 70)), index.lastEntry());
        assertEquals(0, Files.size(tmp.resolve("d.timeindex")), "while active, entries live in the heap only");
        assertEquals(Optional.empty(), index.lookupBefore(1_000));
        assertEquals(Optional.of(new TimeIndex.TimestampOffset(1_000, 55)), index.lookupBefore(1_001));
        assertEquals(Optional.of(new TimeIndex.TimestampOffset(1_000, 55)), index.lookupBefore(2_000));
        index.truncateTo(70);
        assertEquals(Optional.of(new TimeIndex.TimestampOffset(1_000, 55)), index.lastEntry());
        index.maybeAppend(1_500, 66);
        index.seal();
        assertEquals(24, Files.size(tmp.resolve("d.timeindex")), "only growing timestamps are indexed");
        index.close();
    }

    @Test
    void sealingReplacesStaleFileContentByTheEntries() throws Exception {
        Path file = tmp.resolve("e.index");
        var stale = new OffsetIndex(file, 0, 1024);
        for (int i = 1; i <= 5; i++) {
            stale.append(i * 10, i * 1_000);
        }
        stale.seal();
        stale.close();

        var index = new OffsetIndex(file, 0, 1024);
        index.append(7, 300);
        index.append(15, 700);
        index.seal();
        index.close();
        assertArrayEquals(new byte[] {0, 0, 0, 7, 0, 0, 1, 44, 0, 0, 0, 15, 0, 0, 2, (byte) 188},
                Files.readAllBytes(file));
        var reloaded = new OffsetIndex(file, 0, 1024);
        assertTrue(reloaded.loadSealed(1_000));
        assertEquals(new OffsetIndex.OffsetPosition(15, 700), reloaded.lookup(Long.MAX_VALUE));
        reloaded.close();
    }

    @Test
    void leaderEpochCheckpointRoundTrips() throws Exception {
        LeaderEpochCache cache = LeaderEpochCache.load(tmp);
        assertTrue(cache.assign(2, 0));
        assertFalse(cache.assign(1, 5), "older epochs are ignored");
        assertTrue(cache.assign(4, 10));
        cache.persist();
        assertEquals(java.util.List.of("0", "2", "2 0", "4 10"),
                Files.readAllLines(tmp.resolve(LeaderEpochCache.FILE_NAME)));
        LeaderEpochCache reloaded = LeaderEpochCache.load(tmp);
        assertEquals(cache.entries(), reloaded.entries());
        assertEquals(2, reloaded.epochForOffset(9));
        assertEquals(4, reloaded.epochForOffset(10));
    }
}
