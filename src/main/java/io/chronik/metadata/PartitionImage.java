package io.chronik.metadata;

import java.util.List;

/** A partition's placement: leader (-1 when none), leader epoch, replicas and in-sync replicas (node ids). */
public record PartitionImage(int partition, int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr) {

    public PartitionImage {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}
