package io.chronik.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.chronik.common.ErrorCode;
import io.chronik.txn.ProducerStateManager.Check;
import org.junit.jupiter.api.Test;

class ProducerStateManagerTest {

    private final ProducerStateManager state = new ProducerStateManager();

    private void append(long pid, int epoch, int firstSeq, int lastSeq, long firstOffset) {
        assertInstanceOf(Check.Accept.class, state.check(pid, (short) epoch, firstSeq, lastSeq));
        state.update(pid, (short) epoch, firstSeq, lastSeq, firstOffset, firstOffset + lastSeq - firstSeq, 0);
    }

    private ErrorCode rejection(long pid, int epoch, int firstSeq, int lastSeq) {
        return assertInstanceOf(Check.Reject.class, state.check(pid, (short) epoch, firstSeq, lastSeq)).error();
    }

    @Test
    void anyOfTheLastFiveBatchesIsADuplicateWithItsOriginalOffsets() {
        for (int b = 0; b < 7; b++) {
            append(1, 0, b * 10, b * 10 + 9, 100 + b * 10);
        }
        var dup = assertInstanceOf(Check.Duplicate.class, state.check(1, (short) 0, 20, 29));
        assertEquals(120, dup.firstOffset());
        assertEquals(129, dup.lastOffset());
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, rejection(1, 0, 10, 19), "older than five batches");
    }

    @Test
    void sequenceMustFollowWithinAnEpochIncludingWrapAround() {
        append(1, 0, 0, 4, 0);
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, rejection(1, 0, 6, 6));
        append(1, 0, 5, Integer.MAX_VALUE, 5);
        append(1, 0, 0, 3, 1000);
    }

    @Test
    void newEpochStartsAtZeroAndOlderEpochsAreFenced() {
        append(1, 3, 0, 9, 0);
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, rejection(1, 4, 10, 10));
        append(1, 4, 0, 0, 10);
        assertEquals(ErrorCode.INVALID_PRODUCER_EPOCH, rejection(1, 3, 10, 10));
    }

    @Test
    void unknownProducersAreAcceptedAtAnySequenceAndEvictedProducersBecomeUnknown() {
        append(7, 0, 55, 60, 0);
        append(8, 0, 0, 0, 6);
        state.evictBefore(6);
        assertEquals(1, state.size());
        append(7, 0, 999, 999, 7);
    }
}
