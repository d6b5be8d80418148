package io.chronik.log;

import static io.chronik.log.TestBatches.batch;
import static io.chronik.log.TestBatches.config;
import static io.chronik.log.TestBatches.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TruncationAndLeaderEpochTest extends LogTestBase {

    /** Epoch 1 holds offsets 0-9, epoch 3 holds 10-19, epoch 5 holds 20-29 (batches of 2 records). */
    private PartitionLog logWithEpochs(LogConfig config) throws Exception {
        PartitionLog log = open(config);
        for (int epoch : new int[] {1, 3, 5}) {
            for (int i = 0; i < 5; i++) {
                log.append(batch(2, 100, 80), epoch, -1);
            }
        }
        return log;
    }

    private static Optional<PartitionLog.EpochEndOffset> end(int epoch, long offset) {
        return Optional.of(new PartitionLog.EpochEndOffset(epoch, offset));
    }

    @Test
    void endOffsetForEpochFollowsKafkaSemantics() throws Exception {
        PartitionLog log = logWithEpochs(LogConfig.DEFAULT);
        assertEquals(5, log.latestEpoch());
        assertEquals(end(5, 30), log.endOffsetForEpoch(5));
        assertEquals(end(3, 20), log.endOffsetForEpoch(3));
        assertEquals(end(3, 20), log.endOffsetForEpoch(4), "unknown epoch between known ones");
        assertEquals(end(1, 10), log.endOffsetForEpoch(2));
        assertEquals(end(0, 0), log.endOffsetForEpoch(0), "below the first known epoch: start of the first");
        assertEquals(Optional.empty(), log.endOffsetForEpoch(6));
        assertEquals(Optional.empty(), log.endOffsetForEpoch(-1));
    }

    @Test
    void leaderEpochCacheSurvivesReopen() throws Exception {
        PartitionLog log = logWithEpochs(config(1024));
        log.close();
        PartitionLog reopened = open(config(1024));
        assertEquals(5, reopened.latestEpoch());
        assertEquals(end(1, 10), reopened.endOffsetForEpoch(1));
        assertEquals(end(3, 20), reopened.endOffsetForEpoch(3));
    }

    @Test
    void truncateToRemovesLaterBatchesSegmentsAndEpochs() throws Exception {
        PartitionLog log = logWithEpochs(config(1024));
        log.truncateTo(15);
        assertEquals(14, log.logEndOffset(), "the batch holding offset 15 goes entirely");
        assertEquals(3, log.latestEpoch());
        assertEquals(end(3, 14), log.endOffsetForEpoch(3));
        assertEquals(7, readAll(log).size());
        assertTrue(log.durableEndOffset() <= 14);

        assertEquals(14, log.append(batch(1, 100), 6, -1).baseOffset());
        assertEquals(end(3, 14), log.endOffsetForEpoch(3));
        log.close();
        PartitionLog reopened = open(config(1024));
        assertEquals(15, reopened.logEndOffset());
        assertEquals(8, readAll(reopened).size());
        assertEquals(end(6, 15), reopened.endOffsetForEpoch(6));
    }

    @Test
    void truncateBelowTheLogStartRestartsTheLogThere() throws Exception {
        PartitionLog log = logWithEpochs(config(1024));
        log.deleteRecordsBefore(20);
        log.truncateTo(12);
        assertEquals(12, log.logStartOffset());
        assertEquals(12, log.logEndOffset());
        assertEquals(-1, log.latestEpoch());
        assertEquals(12, log.append(batch(1, 1), 7, -1).baseOffset());
    }

    @Test
    void deleteRecordsMovesTheFirstEpochStart() throws Exception {
        PartitionLog log = logWithEpochs(config(1024));
        log.deleteRecordsBefore(14);
        assertEquals(end(1, 14), log.endOffsetForEpoch(1));
        assertEquals(end(3, 20), log.endOffsetForEpoch(3));
    }

    @Test
    void epochsBeyondTheRecoveredEndAreDroppedOnOpen() throws Exception {
        PartitionLog log = logWithEpochs(LogConfig.DEFAULT);
        log.close();
        java.nio.file.Path segment = dir().resolve(String.format("%020d.log", 0));
        long tenBatches = 10L * batch(2, 100, 80).remaining();
        try (var channel = java.nio.channels.FileChannel.open(segment, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(tenBatches + 5);
        }
        java.nio.file.Files.delete(dir().resolve(LogRecovery.RECOVERY_POINT_FILE));
        PartitionLog reopened = open(LogConfig.DEFAULT);
        assertEquals(20, reopened.logEndOffset());
        assertEquals(3, reopened.latestEpoch());
        assertEquals(end(3, 20), reopened.endOffsetForEpoch(3));
    }
}
