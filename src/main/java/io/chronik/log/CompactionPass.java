package io.chronik.log;

import io.chronik.log.PartitionLog.CleanableSegments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * One compaction of one log, Kafka's {@code Cleaner} algorithm on Chronik's segments.
 *
 * <p>Sections of the log, by offset: the <em>clean</em> section {@code [log start, firstDirty)} was compacted
 * before (its end is the {@code cleaner-offset-checkpoint}); the <em>dirty</em> section
 * {@code [firstDirty, firstUncleanable)} was not. {@code firstUncleanable} is the base offset of the first segment
 * that must not be touched: the active segment, a segment not yet entirely forced, or a segment holding a record
 * newer than {@code min.compaction.lag.ms}.
 * <ol>
 *   <li>{@link #plan}: the sections and their sizes; the dirty ratio is {@code dirty / (clean + dirty)} bytes.</li>
 *   <li>The {@link OffsetMap} takes the latest offset of every key in the dirty section. When it fills up, the pass
 *       covers only the offsets up to the last one it took ({@code endOffset}); the next pass continues there.</li>
 *   <li>The sealed segments below {@code endOffset}, from the log start, are grouped (consecutive segments whose
 *       sizes add up to at most {@code segment.bytes}) and each group is rewritten into one segment that keeps the
 *       group's first base offset: a record stays when it is at or after {@code endOffset}, or it has a key and no
 *       later offset of that key is in the map, and it is not a tombstone whose batch's delete horizon has passed.
 *       A retained tombstone gets the horizon {@code now + delete.retention.ms} the first time it is compacted, so a
 *       consumer that read the older value has that long to see the delete. Records without a key are dropped, as
 *       Kafka does. Control and transactional batches are copied unchanged and do not shadow older records (Chronik
 *       does not accept transactions yet). A batch left without records disappears, except the last batch of each
 *       producer id, which stays as an empty batch so that its sequence numbers survive.</li>
 *   <li>The rewritten segment is forced and swapped in by {@link PartitionLog#replaceSegments}; then the
 *       checkpoint moves to {@code endOffset}.</li>
 * </ol>
 *
 * <p>Thread-safety: runs on the cleaner thread under the log's cleaner lock; the log keeps serving appends and reads.
 */
final class CompactionPass {

    static final String CHECKPOINT_FILE = "cleaner-offset-checkpoint";

    /** The sections of a log at planning time. */
    record Plan(CleanableSegments view, long firstDirty, long firstUncleanable, long cleanBytes, long dirtyBytes) {

        double dirtyRatio() {
            long total = cleanBytes + dirtyBytes;
            return total == 0 ? 0 : (double) dirtyBytes / total;
        }
    }

    /** Thrown when the log closes, or the cleaner stops, during a pass. */
    static final class Aborted extends Exception {
        Aborted() {
            super(null, null, false, false);
        }
    }

    /** What a pass did; {@code swapped} is false when the log changed under it and nothing was replaced. */
    record Result(boolean swapped, long endOffset, int segmentsBefore, int segmentsAfter, long bytesBefore,
            long bytesAfter) {}

    private final PartitionLog log;
    private final RecordCompactor compactor;
    private final OffsetMap map;
    private final long nowMs;
    private final BooleanSupplier stopping;

    CompactionPass(PartitionLog log, RecordCompactor compactor, OffsetMap map, long nowMs, BooleanSupplier stopping) {
        this.log = log;
        this.compactor = compactor;
        this.map = map;
        this.nowMs = nowMs;
        this.stopping = stopping;
    }

    /** The clean and dirty sections of {@code log} at {@code nowMs}. */
    static Plan plan(PartitionLog log, long nowMs) throws IOException {
        CleanableSegments view = log.cleanableSegments();
        LogConfig config = log.config();
        OptionalLong checkpoint = CheckpointFile.readOffset(checkpointFile(log.dir()));
        long firstDirty = checkpoint.orElse(view.logStartOffset());
        if (firstDirty < view.logStartOffset() || firstDirty > view.logEndOffset()) {
            firstDirty = view.logStartOffset();
        }
        long firstUncleanable = view.sealed().isEmpty() ? view.logStartOffset()
                : view.sealed().getLast().nextOffset();
        for (LogSegment segment : view.sealed()) {
            boolean notForced = segment.nextOffset() > view.durableEndOffset();
            boolean tooRecent = segment.nextOffset() > firstDirty
                    && segment.maxTimestamp().timestamp() > nowMs - config.minCompactionLagMs();
            if (notForced || tooRecent) {
                firstUncleanable = segment.baseOffset();
                break;
            }
        }
        long clean = 0;
        long dirty = 0;
        for (LogSegment segment : view.sealed()) {
            if (segment.baseOffset() >= firstUncleanable) {
                break;
            }
            if (segment.nextOffset() <= firstDirty) {
                clean += segment.size();
            } else {
                dirty += segment.size();
            }
        }
        return new Plan(view, Math.min(firstDirty, firstUncleanable), firstUncleanable, clean, dirty);
    }

    static Path checkpointFile(Path dir) {
        return dir.resolve(CHECKPOINT_FILE);
    }

    /** Runs the pass over {@code plan} (see the class comment). */
    Result run(Plan plan) throws IOException, Aborted {
        long endOffset = buildOffsetMap(plan);
        Map<Long, Long> lastBatchOfProducer = lastBatchOfEachProducer();
        LogConfig config = log.config();
        List<List<LogSegment>> groups = group(plan.view().sealed(), endOffset, config.segmentBytes());
        var state = new TombstoneHorizon();
        int before = 0;
        int after = 0;
        long bytesBefore = 0;
        long bytesAfter = 0;
        for (List<LogSegment> group : groups) {
            LogSegment cleaned = LogSegment.create(log.dir(), group.getFirst().baseOffset(), config,
                    LogSegment.CLEANED_SUFFIX);
            try {
                for (LogSegment segment : group) {
                    segment.forEachBatchWithBytes((header, batch) -> {
                        checkStop();
                        copyRetained(header, batch, cleaned, endOffset, lastBatchOfProducer, config, state);
                    });
                }
                cleaned.seal();
                cleaned.flushAll();
            } catch (UncheckedAborted e) {
                cleaned.deleteNow();
                throw new Aborted();
            } catch (IOException | RuntimeException e) {
                cleaned.deleteNow();
                throw e;
            }
            if (!log.replaceSegments(group, cleaned, plan.view().truncations())) {
                cleaned.deleteNow();
                return new Result(false, endOffset, before, after, bytesBefore, bytesAfter);
            }
            before += group.size();
            after++;
            bytesBefore += group.stream().mapToLong(LogSegment::size).sum();
            bytesAfter += cleaned.size();
        }
        CheckpointFile.writeOffset(checkpointFile(log.dir()), endOffset);
        log.setLatestDeleteHorizonMs(state.latest);
        return new Result(true, endOffset, before, after, bytesBefore, bytesAfter);
    }

    /** The latest delete horizon among the tombstones kept. */
    private static final class TombstoneHorizon {
        long latest = -1;
    }

    /** Carries an abort out of a batch visitor. */
    private static final class UncheckedAborted extends RuntimeException {
        UncheckedAborted() {
            super(null, null, false, false);
        }
    }

    private void checkStop() {
        if (log.isClosing() || stopping.getAsBoolean()) {
            throw new UncheckedAborted();
        }
    }

    /** Fills the map from the dirty section; returns the first offset it does not cover. */
    private long buildOffsetMap(Plan plan) throws IOException, Aborted {
        map.clear();
        long firstDirty = plan.firstDirty();
        long end = plan.firstUncleanable();
        try {
            for (LogSegment segment : plan.view().sealed()) {
                if (segment.baseOffset() >= end || map.isFull()) {
                    break;
                }
                if (segment.nextOffset() <= firstDirty) {
                    continue;
                }
                segment.forEachBatchWithBytes((header, batch) -> {
                    checkStop();
                    if (header.lastOffset() < firstDirty || header.isControl() || header.isTransactional()
                            || map.isFull()) {
                        return;
                    }
                    compactor.forEachRecord(batch, record -> {
                        if (record.key() != null && record.offset() >= firstDirty && !map.isFull()) {
                            map.put(record.key(), record.offset());
                        }
                    });
                });
            }
        } catch (UncheckedAborted e) {
            throw new Aborted();
        }
        return map.isFull() ? map.latestOffset() + 1 : end;
    }

    /** Producer id → last offset of its last batch in the log (header walk; cheap next to the rewrite). */
    private Map<Long, Long> lastBatchOfEachProducer() throws IOException {
        Map<Long, Long> last = new HashMap<>();
        log.forEachBatch(log.logStartOffset(), header -> {
            if (header.hasProducerId()) {
                last.put(header.producerId(), header.lastOffset());
            }
        });
        return last;
    }

    /** Groups the sealed segments below {@code endOffset} into runs that fit one segment. */
    private static List<List<LogSegment>> group(List<LogSegment> sealed, long endOffset, int segmentBytes) {
        List<List<LogSegment>> groups = new ArrayList<>();
        List<LogSegment> current = new ArrayList<>();
        long size = 0;
        for (LogSegment segment : sealed) {
            if (segment.baseOffset() >= endOffset) {
                break;
            }
            boolean fits = !current.isEmpty() && size + segment.size() <= segmentBytes
                    && segment.nextOffset() - 1 - current.getFirst().baseOffset() <= Integer.MAX_VALUE;
            if (!current.isEmpty() && !fits) {
                groups.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(segment);
            size += segment.size();
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    private void copyRetained(BatchHeader header, ByteBuffer batch, LogSegment cleaned, long endOffset,
            Map<Long, Long> lastBatchOfProducer, LogConfig config, TombstoneHorizon state) throws IOException {
        if (header.isControl() || header.isTransactional()) {
            cleaned.append(batch, header);
            return;
        }
        long horizon = header.deleteHorizonMs();
        boolean expired = horizon >= 0 && nowMs >= horizon;
        boolean[] keptTombstone = new boolean[1];
        boolean keepEmpty = header.hasProducerId()
                && lastBatchOfProducer.getOrDefault(header.producerId(), -1L) == header.lastOffset();
        long newHorizon = nowMs + config.deleteRetentionMs();
        Optional<ByteBuffer> retained = compactor.retain(batch, record -> {
            if (record.offset() >= endOffset) {
                keptTombstone[0] |= record.tombstone();
                return true;
            }
            if (record.key() == null || map.get(record.key()) > record.offset()) {
                return false;
            }
            if (record.tombstone()) {
                if (expired) {
                    return false;
                }
                keptTombstone[0] = true;
            }
            return true;
        }, keepEmpty, newHorizon);
        if (retained.isPresent()) {
            ByteBuffer out = retained.get();
            cleaned.append(out, BatchHeader.read(out));
            if (keptTombstone[0]) {
                state.latest = Math.max(state.latest, horizon >= 0 ? horizon : newHorizon);
            }
        }
    }
}
