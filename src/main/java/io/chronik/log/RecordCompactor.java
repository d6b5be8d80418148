package io.chronik.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What log compaction needs to know about records, which the log itself never parses: the keys of a batch's records,
 * and a rewrite of a batch that keeps only some of them. The log owns the cleaning algorithm ({@link LogCleaner});
 * an implementation over the Kafka record format lives outside this package (compressed batches need Kafka's
 * codecs).
 *
 * <p>Every method receives exactly one magic-v2 record batch, from the buffer's position to its limit, and must not
 * modify it. Implementations are stateless and thread-safe.
 */
public interface RecordCompactor {

    /**
     * One record as compaction sees it.
     *
     * @param key       the record key (a read-only view, valid only during the call), or null when it has none
     * @param offset    the record's absolute offset
     * @param tombstone the record has a null value (a delete marker for its key)
     */
    record KeyedRecord(ByteBuffer key, long offset, boolean tombstone) {}

    /** Visits every record of {@code batch} in offset order. */
    void forEachRecord(ByteBuffer batch, Consumer<KeyedRecord> visitor) throws IOException;

    /**
     * Rewrites {@code batch} keeping only the records {@code keep} accepts, the way Kafka's cleaner does
     * ({@code MemoryRecords.filterTo}): the batch keeps its base offset, last offset delta, producer id, epoch and
     * base sequence, leader epoch, timestamp type and compression; an unchanged batch is returned byte for byte.
     * A retained batch that holds a tombstone and has no delete horizon yet gets {@code deleteHorizonMs} (see
     * {@link BatchHeader#deleteHorizonMs()}).
     *
     * @param keepEmpty when no record is kept, return the batch header alone (Kafka keeps a producer's last batch so
     *                  that its sequence numbers survive compaction) instead of nothing
     * @return the rewritten batch, or empty when nothing remains
     */
    Optional<ByteBuffer> retain(ByteBuffer batch, Predicate<KeyedRecord> keep, boolean keepEmpty,
            long deleteHorizonMs) throws IOException;
}
