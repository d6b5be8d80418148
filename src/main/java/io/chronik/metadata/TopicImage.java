package io.chronik.metadata;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A topic: its id, partitions and the configs set on it (only explicit overrides; defaults are resolved by
 * {@code TopicConfigs}).
 */
public record TopicImage(String name, UUID id, List<PartitionImage> partitions, Map<String, String> configs) {

    public TopicImage {
        partitions = List.copyOf(partitions);
        configs = Map.copyOf(configs);
    }

    public PartitionImage partition(int p) {
        return p >= 0 && p < partitions.size() ? partitions.get(p) : null;
    }

    public boolean isInternal() {
        return name.startsWith("__");
    }
}
