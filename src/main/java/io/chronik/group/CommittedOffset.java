package io.chronik.group;

/**
 * A committed offset as a group stores it.
 *
 * @param offset          the next offset the group will consume
 * @param leaderEpoch     leader epoch of the last consumed record, or -1
 * @param metadata        the client's metadata string (never null; Kafka stores null as "")
 * @param commitTimestamp when the coordinator accepted the commit (ms since the epoch)
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestamp) {

    public CommittedOffset {
        metadata = metadata == null ? "" : metadata;
    }
}
