package io.chronik.kafka.group;

import io.chronik.broker.ReplicaManager;
import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import io.chronik.config.ServerConfig;
import io.chronik.config.ServerConfig.GroupSettings;
import io.chronik.group.GroupCoordinator;
import io.chronik.kafka.ApiHandler;
import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStateMachine;
import io.chronik.metadata.MetadataStore;
import io.chronik.metadata.ReplicaPlacement;
import io.chronik.metadata.TopicImage;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer-group Kafka APIs and the coordinator behind them. {@link #start} creates {@code __consumer_offsets}
 * when missing ({@code cleanup.policy=compact}, {@code offsetsTopicPartitions} partitions, replication factor
 * min(3, brokers)), loads every offsets partition this node holds (replaying its log), and starts the coordinator's
 * timers. An existing topic keeps its partition count, whatever the setting says, since groups are placed by it.
 * Offsets of topics that disappear from the metadata are removed right after.
 */
public final class GroupApis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupApis.class);
    private static final long PARTITION_OPEN_WAIT_MS = 10_000;

    private final GroupCoordinator coordinator;
    private final List<ApiHandler> handlers;

    private GroupApis(GroupCoordinator coordinator, List<ApiHandler> handlers) {
        this.coordinator = coordinator;
        this.handlers = handlers;
    }

    /** Creates (if needed) and loads {@code __consumer_offsets}, and starts the coordinator. */
    public static GroupApis start(ReplicaManager replicas, MetadataStore metadata, ServerConfig config)
            throws IOException {
        TopicImage topic = ensureOffsetsTopic(metadata, config.groups());
        GroupSettings settings = withPartitions(config.groups(), topic.partitions().size());
        var groupLog = new OffsetsTopicLog(replicas, settings.offsetCommitTimeoutMs());
        var coordinator = new GroupCoordinator(settings, groupLog, new ConsumerSubscriptions(),
                name -> metadata.current().topic(name).isPresent(), System::currentTimeMillis);
        try {
            for (var p : topic.partitions()) {
                if (p.replicas().contains(config.nodeId())) {
                    awaitOpen(replicas, p.partition());
                    coordinator.loadPartition(p.partition());
                }
            }
        } catch (IOException | RuntimeException e) {
            coordinator.close();
            throw e;
        }
        coordinator.start();
        followTopicDeletions(metadata, coordinator);
        List<ApiHandler> handlers = List.of(
                new FindCoordinatorHandler(coordinator, metadata, config.nodeId()),
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
        return new GroupApis(coordinator, handlers);
    }

    public List<ApiHandler> handlers() {
        return handlers;
    }

    public GroupCoordinator coordinator() {
        return coordinator;
    }

    private static TopicImage ensureOffsetsTopic(MetadataStore metadata, GroupSettings settings) {
        MetadataImage image = metadata.current();
        if (image.topic(OffsetsTopicLog.TOPIC).isEmpty()) {
            int replicationFactor = Math.min(3, image.brokers().size());
            var command = new MetadataCommand.CreateTopic(OffsetsTopicLog.TOPIC, MetadataStateMachine.newTopicId(),
                    ReplicaPlacement.place(image.brokers().keySet(), 0, settings.offsetsTopicPartitions(),
                            replicationFactor),
                    Map.of("cleanup.policy", "compact", "segment.bytes", "104857600"));
            try {
                metadata.submit(command);
                log.info("Created {} with {} partitions", OffsetsTopicLog.TOPIC, settings.offsetsTopicPartitions());
            } catch (ChronikException e) {
                if (e.error() != ErrorCode.TOPIC_ALREADY_EXISTS) {
                    throw e;
                }
            }
        }
        return metadata.current().topic(OffsetsTopicLog.TOPIC).orElseThrow();
    }

    private static GroupSettings withPartitions(GroupSettings s, int partitions) {
        return new GroupSettings(partitions, s.initialRebalanceDelayMs(), s.minSessionTimeoutMs(),
                s.maxSessionTimeoutMs(), s.maxGroupSize(), s.offsetsRetentionMs(), s.offsetsRetentionCheckIntervalMs(),
                s.offsetMetadataMaxBytes(), s.offsetCommitTimeoutMs());
    }

    private static void awaitOpen(ReplicaManager replicas, int partition) throws IOException {
        long deadline = System.currentTimeMillis() + PARTITION_OPEN_WAIT_MS;
        var tp = new TopicPartition(OffsetsTopicLog.TOPIC, partition);
        while (true) {
            try {
                replicas.leaderPartition(tp);
                return;
            } catch (ChronikException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("Partition " + tp + " was not opened: " + e.getMessage());
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while waiting for " + tp);
            }
        }
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
        coordinator.close();
    }
}
