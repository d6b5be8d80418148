package io.chronik.kafka.group;

import io.chronik.broker.ReplicaManager;
import io.chronik.config.ServerConfig;
import io.chronik.config.ServerConfig.GroupSettings;
import io.chronik.group.GroupCoordinator;
import io.chronik.kafka.ApiHandler;
import io.chronik.metadata.MetadataStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

/**
 * The consumer-group Kafka APIs and the coordinator behind them. {@code __consumer_offsets} is created the way Kafka
 * does it: on the first FindCoordinator for a group ({@link OffsetsTopic}). The coordinator serves the offsets
 * partitions this node leads and follows leadership changes ({@link OffsetsPartitionOwnership}); offsets of topics
 * that disappear from the metadata are removed right after. The partition count is fixed when the topic is created:
 * an existing topic keeps its count whatever the setting says, since groups are placed by it.
 */
public final class GroupApis implements AutoCloseable {

    private final GroupCoordinator coordinator;
    private final OffsetsPartitionOwnership ownership;
    private final List<ApiHandler> handlers;

    private GroupApis(GroupCoordinator coordinator, OffsetsPartitionOwnership ownership, List<ApiHandler> handlers) {
        this.coordinator = coordinator;
        this.ownership = ownership;
        this.handlers = handlers;
    }

    /** Starts the coordinator; it loads the offsets partitions this node leads as the metadata shows them. */
    public static GroupApis start(ReplicaManager replicas, MetadataStore metadata, ServerConfig config) {
        int partitions = metadata.current().topic(OffsetsTopicLog.TOPIC).map(t -> t.partitions().size())
                .orElse(config.groups().offsetsTopicPartitions());
        GroupSettings settings = withPartitions(config.groups(), partitions);
        var groupLog = new OffsetsTopicLog(replicas, settings.offsetCommitTimeoutMs());
        var coordinator = new GroupCoordinator(settings, groupLog, new ConsumerSubscriptions(),
                name -> metadata.current().topic(name).isPresent(), System::currentTimeMillis);
        coordinator.start();
        var ownership = new OffsetsPartitionOwnership(coordinator, replicas, config.nodeId());
        metadata.subscribe(ownership::onImage);
        followTopicDeletions(metadata, coordinator);
        var offsetsTopic = new OffsetsTopic(metadata, settings.offsetsTopicPartitions(),
                config.kafka().defaultReplicationFactor());
        List<ApiHandler> handlers = List.of(
                new FindCoordinatorHandler(coordinator, metadata, offsetsTopic, config.nodeId()),
                new JoinGroupHandler(coordinator),
                new SyncGroupHandler(coordinator),
                new HeartbeatHandler(coordinator),
                new LeaveGroupHandler(coordinator),
                new OffsetCommitHandler(coordinator, metadata),
                new OffsetFetchHandler(coordinator, metadata),
                new DescribeGroupsHandler(coordinator),
                new ListGroupsHandler(coordinator),
                new DeleteGroupsHandler(coordinator),
                new OffsetDeleteHandler(coordinator, metadata));
        return new GroupApis(coordinator, ownership, handlers);
    }

    public List<ApiHandler> handlers() {
        return handlers;
    }

    public GroupCoordinator coordinator() {
        return coordinator;
    }

    private static GroupSettings withPartitions(GroupSettings s, int partitions) {
        return new GroupSettings(partitions, s.initialRebalanceDelayMs(), s.minSessionTimeoutMs(),
                s.maxSessionTimeoutMs(), s.maxGroupSize(), s.offsetsRetentionMs(), s.offsetsRetentionCheckIntervalMs(),
                s.offsetMetadataMaxBytes(), s.offsetCommitTimeoutMs());
    }

    private static void followTopicDeletions(MetadataStore metadata, GroupCoordinator coordinator) {
        Set<String> known = new HashSet<>(metadata.current().topics().keySet());
        metadata.subscribe(image -> {
            synchronized (known) {
                boolean deleted = !image.topics().keySet().containsAll(known);
                known.clear();
                known.addAll(image.topics().keySet());
                if (deleted) {
                    try {
                        coordinator.cleanupOffsetsSoon();
                    } catch (RejectedExecutionException e) {
                        // the coordinator is closed
                    }
                }
            }
        });
    }

    @Override
    public void close() {
        ownership.close();
        coordinator.close();
    }
}
