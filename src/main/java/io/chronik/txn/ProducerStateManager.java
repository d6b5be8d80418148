package io.chronik.txn;

import io.chronik.common.ErrorCode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The idempotent-producer state of one partition: for each producer id its epoch and the metadata of its last
 * {@value #BATCHES_TO_RETAIN} appended batches, with Kafka's sequence rules ({@code ProducerAppendInfo}):
 * <ul>
 *   <li>a batch equal (same epoch, first and last sequence) to one of the retained batches is a duplicate: the
 *       producer is answered with the original offsets and nothing is appended;</li>
 *   <li>an epoch older than the producer's current epoch is fenced: INVALID_PRODUCER_EPOCH;</li>
 *   <li>a newer epoch must start at sequence 0, else OUT_OF_ORDER_SEQUENCE_NUMBER;</li>
 *   <li>within an epoch the first sequence must follow the last one (wrapping after Integer.MAX_VALUE), else
 *       OUT_OF_ORDER_SEQUENCE_NUMBER;</li>
 *   <li>a producer the partition does not know (never seen, or all its batches removed by retention or
 *       DeleteRecords) is accepted at any sequence, as Kafka 2.5+ does.</li>
 * </ul>
 * The state lives in memory and is rebuilt at start-up by replaying the batch headers of the log
 * ({@link #update} for each batch); a snapshot file would bound that replay (Kafka's {@code .snapshot}), but is not needed for
 * correctness. Producer ids are never expired by time ({@code producer.id.expiration.ms} is not implemented); they
 * leave when their last batch falls below the log start offset.
 *
 * <p>Not thread-safe: the owning partition calls it under the lock that also covers the append, so check and
 * append are atomic.
 */
public final class ProducerStateManager {

    /** Kafka's {@code ProducerStateEntry.NUM_BATCH_METADATA_TO_RETAIN}. */
    public static final int BATCHES_TO_RETAIN = 5;

    /** The outcome of checking a batch before it is appended. */
    public sealed interface Check {
        /** The batch may be appended. */
        record Accept() implements Check {}

        /** The batch was already appended at these offsets; answer with them and append nothing. */
        record Duplicate(long firstOffset, long lastOffset, long timestamp) implements Check {}

        /** The batch must be rejected with {@code error}. */
        record Reject(ErrorCode error, String message) implements Check {}
    }

    private static final Check ACCEPT = new Check.Accept();

    private record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {}

    private static final class ProducerEntry {
        short epoch;
        final Deque<BatchMetadata> batches = new ArrayDeque<>(BATCHES_TO_RETAIN);

        long lastOffset() {
            return batches.isEmpty() ? -1 : batches.peekLast().lastOffset();
        }
    }

    private final Map<Long, ProducerEntry> producers = new HashMap<>();

    /** Checks a client batch of producer {@code producerId} against the state, without changing it. */
    public Check check(long producerId, short epoch, int firstSeq, int lastSeq) {
        ProducerEntry entry = producers.get(producerId);
        if (entry == null) {
            return ACCEPT;
        }
        if (epoch == entry.epoch) {
            for (BatchMetadata b : entry.batches) {
                if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
                    return new Check.Duplicate(b.firstOffset(), b.lastOffset(), b.timestamp());
                }
            }
        }
        if (epoch < entry.epoch) {
            return new Check.Reject(ErrorCode.INVALID_PRODUCER_EPOCH, "Epoch of producer " + producerId + " is "
                    + epoch + ", which is smaller than the last seen epoch " + entry.epoch);
        }
        if (epoch > entry.epoch) {
            return firstSeq == 0 ? ACCEPT : new Check.Reject(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
                    "Invalid sequence number for new epoch of producer " + producerId + ": " + epoch
                            + " (request epoch), " + firstSeq + " (seq. number), " + entry.epoch
                            + " (current producer epoch)");
        }
        int currentLastSeq = entry.batches.isEmpty() ? -1 : entry.batches.peekLast().lastSeq();
        if (entry.batches.isEmpty() || inSequence(currentLastSeq, firstSeq)) {
            return ACCEPT;
        }
        return new Check.Reject(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "Out of order sequence number for producer "
                + producerId + ": " + firstSeq + " (incoming seq. number), " + currentLastSeq
                + " (current end sequence number)");
    }

    /** Records an appended batch (also used when replaying the log at start-up). */
    public void update(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset,
            long timestamp) {
        ProducerEntry entry = producers.computeIfAbsent(producerId, id -> new ProducerEntry());
        if (epoch != entry.epoch) {
            entry.batches.clear();
            entry.epoch = epoch;
        }
        if (entry.batches.size() == BATCHES_TO_RETAIN) {
            entry.batches.removeFirst();
        }
        entry.batches.addLast(new BatchMetadata(firstSeq, lastSeq, firstOffset, lastOffset, timestamp));
    }

    /** Forgets producers whose last batch lies below {@code logStartOffset} (retention, DeleteRecords). */
    public void evictBefore(long logStartOffset) {
        producers.values().removeIf(e -> e.lastOffset() < logStartOffset);
    }

    /** Number of producers tracked. */
    public int size() {
        return producers.size();
    }

    private static boolean inSequence(int lastSeq, int nextSeq) {
        return nextSeq == lastSeq + 1L || (nextSeq == 0 && lastSeq == Integer.MAX_VALUE);
    }
}
