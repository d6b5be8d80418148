package io.chronik.log;

import io.chronik.log.BatchScanner.Invalid;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a partition directory into segments when a log is opened, recovering from a crash.
 *
 * <p>Recovery rule. The {@code recovery-point} checkpoint holds an offset below which every byte, and the indexes
 * of every sealed segment, were forced (written when a rolled segment has been forced, and at clean close).
 * <ol>
 *   <li>Leftovers are removed: {@code *.deleted} segment files, {@code *.tmp} checkpoint files and
 *       {@code *.cleaned} compaction output that was never swapped in.</li>
 *   <li>An interrupted compaction swap is completed: a {@code <base>.log.swap} file is a whole, forced segment
 *       that replaces every segment whose base offset lies in {@code [base, end of its last batch)}; those are
 *       deleted and the swap files renamed to the live names (a missing swapped index is rebuilt). Index
 *       {@code .swap} files without their {@code .log.swap} belong to a swap that never committed and are
 *       deleted.</li>
 *   <li>A sealed segment lying entirely below the recovery point is trusted: its indexes are sanity-checked (whole
 *       entries, last entry inside the file, no index gap in the tail) and the batches after the last offset index
 *       entry are walked; if anything is off, it is recovered like the others.</li>
 *   <li>Every other segment, always including the last one, is walked batch by batch: header present, batch length
 *       sane and inside the file, magic 2, offsets strictly increasing (compaction leaves gaps), and CRC-32C for
 *       batches reaching the recovery point.
 *       Its indexes are rebuilt in the heap, whatever its index files held (empty, stale or longer); the files are
 *       written when the segment is sealed (at once, unless it ends up last). When all that follows the last valid
 *       batch is zero bytes, that is a preallocated tail (of the active segment, or of a rolled segment whose
 *       truncation a crash kept from the disk): it is truncated without a warning and the segment counts as whole.
 *       Otherwise the file is truncated at the first invalid batch (a torn write, also one into the zero-filled
 *       region, a garbage tail, a corrupt batch) and every later segment is deleted, since its data no longer
 *       follows on. One warning names the file, the byte position and the reason.</li>
 *   <li>The log start offset is {@code max(log-start-offset checkpoint, first segment base)}; segments entirely
 *       below it are deleted. The leader epoch cache is re-assigned from the walked batches and truncated to the
 *       recovered range.</li>
 *   <li>The walked segments are forced and the recovery point is set to the log end offset, so everything served
 *       after opening is durable.</li>
 * </ol>
 *
 * <p>Thread-safety: runs once, before the log is shared.
 */
final class LogRecovery {

    static final String LOG_START_OFFSET_FILE = "log-start-offset";
    static final String RECOVERY_POINT_FILE = "recovery-point";
    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);
    private static final Pattern SEGMENT_NAME = Pattern.compile("(\\d{20})\\.log");
    private static final Pattern SWAP_NAME = Pattern.compile("(\\d{20})\\.log\\.swap");

    /** The loaded segments (contiguous, the last one active) and the log start offset. */
    record Loaded(List<LogSegment> segments, long logStartOffset, long recoveryPoint) {}

    private record Damage(Path file, long position, String reason) {}

    private LogRecovery() {
    }

    static Loaded load(Path dir, LogConfig config, LeaderEpochCache epochs) throws IOException {
        Files.createDirectories(dir);
        deleteLeftovers(dir);
        completeSwaps(dir);
        long startCheckpoint = CheckpointFile.readOffset(dir.resolve(LOG_START_OFFSET_FILE)).orElse(0);
        long recoveryPoint = CheckpointFile.readOffset(dir.resolve(RECOVERY_POINT_FILE)).orElse(0);
        List<LeaderEpochCache.EpochEntry> before = epochs.entries();

        List<Long> bases = segmentBaseOffsets(dir);
        var segments = new ArrayList<LogSegment>();
        var walked = new ArrayList<LogSegment>();
        Damage damage = null;
        int dropped = 0;
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            LogSegment segment = LogSegment.open(dir, base, config);
            long expected = segments.isEmpty() ? base : segments.getLast().nextOffset();
            if (damage == null && base < expected) {
                damage = new Damage(segment.file(), 0, "segment starts at offset " + base + " but the previous "
                        + "segment ends at " + expected);
            }
            if (damage != null) {
                segment.deleteNow();
                dropped++;
                continue;
            }
            boolean last = i == bases.size() - 1;
            boolean belowRecoveryPoint = !last && bases.get(i + 1) <= recoveryPoint;
            if (!belowRecoveryPoint || !segment.loadSealed()) {
                Optional<Invalid> invalid = segment.recover(recoveryPoint,
                        header -> epochs.assign(header.partitionLeaderEpoch(), header.baseOffset()));
                walked.add(segment);
                if (invalid.isPresent()) {
                    damage = new Damage(segment.file(), invalid.get().position(), invalid.get().reason());
                } else if (!last) {
                    segment.seal();
                }
            }
            segments.add(segment);
        }
        if (!segments.isEmpty() && segments.getLast().isSealed()) {
            // the segments after it were dropped: it becomes the active segment again
            segments.getLast().recover(BatchScanner.NEVER_VERIFY, header -> { });
            if (!walked.contains(segments.getLast())) {
                walked.add(segments.getLast());
            }
        }
        if (damage != null) {
            LOG.warn("Recovering {}: truncated {} at byte {}: {}; deleted {} later segment(s)", dir, damage.file(),
                    damage.position(), damage.reason(), dropped);
        }
        long logStartOffset = applyLogStartOffset(dir, config, segments, walked, startCheckpoint);
        long logEndOffset = segments.getLast().nextOffset();

        epochs.truncateFromEnd(logEndOffset);
        epochs.truncateFromStart(logStartOffset);
        if (!epochs.entries().equals(before)) {
            epochs.persist();
        }
        if (logStartOffset != startCheckpoint) {
            CheckpointFile.writeOffset(dir.resolve(LOG_START_OFFSET_FILE), logStartOffset);
        }
        for (LogSegment segment : walked) {
            segment.flushAll();
        }
        CheckpointFile.writeOffset(dir.resolve(RECOVERY_POINT_FILE), logEndOffset);
        return new Loaded(List.copyOf(segments), logStartOffset, logEndOffset);
    }

    /** Drops the segments entirely below the checkpointed start offset; returns the effective log start offset. */
    private static long applyLogStartOffset(Path dir, LogConfig config, List<LogSegment> segments,
            List<LogSegment> walked, long startCheckpoint) throws IOException {
        if (segments.isEmpty()) {
            LogSegment fresh = LogSegment.create(dir, startCheckpoint, config);
            segments.add(fresh);
            walked.add(fresh);
            return startCheckpoint;
        }
        long logEndOffset = segments.getLast().nextOffset();
        if (startCheckpoint > logEndOffset) {
            // The tail holding the start offset was lost in the crash: start an empty log there.
            for (LogSegment segment : segments) {
                segment.deleteNow();
            }
            segments.clear();
            walked.clear();
            return applyLogStartOffset(dir, config, segments, walked, startCheckpoint);
        }
        while (segments.size() > 1 && segments.getFirst().nextOffset() <= startCheckpoint) {
            LogSegment gone = segments.removeFirst();
            walked.remove(gone);
            gone.deleteNow();
        }
        return Math.max(startCheckpoint, segments.getFirst().baseOffset());
    }

    private static List<Long> segmentBaseOffsets(Path dir) throws IOException {
        var bases = new ArrayList<Long>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher matcher = SEGMENT_NAME.matcher(file.getFileName().toString());
                if (matcher.matches()) {
                    bases.add(Long.parseLong(matcher.group(1)));
                }
            }
        }
        bases.sort(null);
        return bases;
    }

    /** Finishes the compaction swaps a crash interrupted (see the class comment). */
    private static void completeSwaps(Path dir) throws IOException {
        List<Path> swaps;
        try (Stream<Path> files = Files.list(dir)) {
            swaps = files.filter(f -> SWAP_NAME.matcher(f.getFileName().toString()).matches()).sorted().toList();
        }
        for (Path swap : swaps) {
            Matcher matcher = SWAP_NAME.matcher(swap.getFileName().toString());
            matcher.matches();
            long base = Long.parseLong(matcher.group(1));
            long end = Math.max(base + 1, endOffsetOf(swap, base));
            for (long replaced : segmentBaseOffsets(dir)) {
                if (replaced >= base && replaced < end) {
                    for (String suffix : new String[] {LogSegment.LOG_SUFFIX, LogSegment.INDEX_SUFFIX,
                            LogSegment.TIME_INDEX_SUFFIX}) {
                        Files.deleteIfExists(LogSegment.path(dir, replaced, suffix));
                    }
                }
            }
            for (String suffix : new String[] {LogSegment.INDEX_SUFFIX, LogSegment.TIME_INDEX_SUFFIX,
                    LogSegment.LOG_SUFFIX}) {
                Path live = LogSegment.path(dir, base, suffix);
                Path swapped = live.resolveSibling(live.getFileName() + LogSegment.SWAP_SUFFIX);
                if (Files.exists(swapped)) {
                    Files.move(swapped, live, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            LOG.info("Recovering {}: completed the interrupted compaction swap of segment {}", dir, base);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().endsWith(LogSegment.SWAP_SUFFIX)) {
                    Files.delete(file);
                }
            }
        }
        if (!swaps.isEmpty()) {
            CheckpointFile.forceDirectory(dir);
        }
    }

    /** The offset after the last batch of a (whole, forced) swap segment file; {@code base} when it is empty. */
    private static long endOffsetOf(Path segmentFile, long base) throws IOException {
        try (FileChannel channel = FileChannel.open(segmentFile, StandardOpenOption.READ)) {
            var scanner = new BatchScanner(channel, 0, channel.size(), 64 * 1024, BatchScanner.NEVER_VERIFY);
            long end = base;
            while (scanner.next() instanceof BatchScanner.Batch batch) {
                end = batch.header().nextOffset();
            }
            return end;
        }
    }

    private static void deleteLeftovers(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                boolean orphanIndex = (name.endsWith(LogSegment.INDEX_SUFFIX)
                        || name.endsWith(LogSegment.TIME_INDEX_SUFFIX))
                        && !Files.exists(dir.resolve(name.substring(0, name.indexOf('.')) + LogSegment.LOG_SUFFIX));
                if (name.endsWith(LogSegment.DELETED_SUFFIX) || name.endsWith(".tmp") || orphanIndex
                        || name.endsWith(LogSegment.CLEANED_SUFFIX)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

}
