package io.chronik.metadata;

import io.chronik.common.ChronikException;
import io.chronik.common.ErrorCode;
import io.chronik.metadata.MetadataCommand.AllocateProducerIds;
import io.chronik.metadata.MetadataCommand.ChangeIsr;
import io.chronik.metadata.MetadataCommand.ChangePartitionLeader;
import io.chronik.metadata.MetadataCommand.CreatePartitions;
import io.chronik.metadata.MetadataCommand.CreateTopic;
import io.chronik.metadata.MetadataCommand.DeleteTopic;
import io.chronik.metadata.MetadataCommand.FenceBroker;
import io.chronik.metadata.MetadataCommand.InitializeAdminApiKey;
import io.chronik.metadata.MetadataCommand.InitializeCluster;
import io.chronik.metadata.MetadataCommand.RegisterBroker;
import io.chronik.metadata.MetadataCommand.SetTopicConfigs;
import io.chronik.metadata.MetadataCommand.UnfenceBroker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Applies {@link MetadataCommand}s to {@link MetadataImage}s: a pure function from (image, command) to the next
 * image, which rejects a command invalid for the image with the precise Kafka error. The same code runs when a
 * command is first submitted and when a journal (or Raft log) is replayed, so replay reproduces the state exactly.
 * Thread-safe (stateless).
 */
public final class MetadataStateMachine {

    /** What an admin API key may look like (the same rule as a key file's). */
    private static final Pattern ADMIN_API_KEY = Pattern.compile("[A-Za-z0-9_\\-.~+/=]{16,512}");

    private MetadataStateMachine() {
    }

    /** The image of a freshly formatted node: no brokers, no topics. */
    public static MetadataImage initial(String clusterId, int controllerId) {
        return new MetadataImage(clusterId, controllerId, Map.of(), Map.of(), 0L);
    }

    /**
     * The image after {@code command}.
     *
     * @throws ChronikException when the command is invalid for {@code image}
     */
    public static MetadataImage apply(MetadataImage image, MetadataCommand command) {
        return switch (command) {
            case RegisterBroker c -> registerBroker(image, c);
            case InitializeCluster c -> initializeCluster(image, c);
            case InitializeAdminApiKey c -> initializeAdminApiKey(image, c);
            case FenceBroker c -> moveBroker(image, c.brokerId(), true);
            case UnfenceBroker c -> moveBroker(image, c.brokerId(), false);
            case CreateTopic c -> createTopic(image, c);
            case DeleteTopic c -> deleteTopic(image, c);
            case CreatePartitions c -> createPartitions(image, c);
            case SetTopicConfigs c -> setTopicConfigs(image, c);
            case AllocateProducerIds c -> allocateProducerIds(image, c);
            case ChangePartitionLeader c -> changePartitionLeader(image, c);
            case ChangeIsr c -> changeIsr(image, c);
        };
    }

    private static MetadataImage registerBroker(MetadataImage image, RegisterBroker c) {
        if (c.brokerId() < 0 || c.host() == null || c.host().isBlank() || c.port() <= 0 || c.port() > 65535) {
            throw new ChronikException(ErrorCode.INVALID_REQUEST, "Invalid broker registration " + c);
        }
        Map<Integer, MetadataImage.BrokerInfo> brokers = new HashMap<>(image.brokers());
        brokers.put(c.brokerId(), new MetadataImage.BrokerInfo(c.brokerId(), c.host(), c.port(), c.rack(),
                c.admin()));
        Map<Integer, MetadataImage.BrokerInfo> fenced = new HashMap<>(image.fencedBrokers());
        fenced.remove(c.brokerId());
        return new MetadataImage(image.clusterId(), image.controllerId(), brokers, image.topics(),
                image.nextProducerId(), fenced, image.adminApiKey());
    }

    private static MetadataImage initializeCluster(MetadataImage image, InitializeCluster c) {
        if (c.clusterId() == null || c.clusterId().isBlank()) {
            throw new ChronikException(ErrorCode.INVALID_REQUEST, "A cluster id must not be empty");
        }
        if (!image.clusterId().isEmpty()) {
            return image;
        }
        return new MetadataImage(c.clusterId(), image.controllerId(), image.brokers(), image.topics(),
                image.nextProducerId(), image.fencedBrokers(), image.adminApiKey());
    }

    private static MetadataImage initializeAdminApiKey(MetadataImage image, InitializeAdminApiKey c) {
        if (c.key() == null || !ADMIN_API_KEY.matcher(c.key()).matches()) {
            throw new ChronikException(ErrorCode.INVALID_REQUEST,
                    "An admin API key must be 16-512 characters of [A-Za-z0-9_-.~+/=]");
        }
        if (!image.adminApiKey().isEmpty()) {
            return image;
        }
        return new MetadataImage(image.clusterId(), image.controllerId(), image.brokers(), image.topics(),
                image.nextProducerId(), image.fencedBrokers(), c.key());
    }

    /** Moves a broker between the live and the fenced map; a no-op when it is not in the source map. */
    private static MetadataImage moveBroker(MetadataImage image, int brokerId, boolean fence) {
        Map<Integer, MetadataImage.BrokerInfo> from = new HashMap<>(fence ? image.brokers() : image.fencedBrokers());
        Map<Integer, MetadataImage.BrokerInfo> to = new HashMap<>(fence ? image.fencedBrokers() : image.brokers());
        MetadataImage.BrokerInfo broker = from.remove(brokerId);
        if (broker == null) {
            return image;
        }
        to.put(brokerId, broker);
        return new MetadataImage(image.clusterId(), image.controllerId(), fence ? from : to, image.topics(),
                image.nextProducerId(), fence ? to : from, image.adminApiKey());
    }

    private static MetadataImage createTopic(MetadataImage image, CreateTopic c) {
        TopicNames.validate(c.name());
        if (image.topics().containsKey(c.name())) {
            throw new ChronikException(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic '" + c.name() + "' already exists.");
        }
        if (c.id() == null || (c.id().getMostSignificantBits() == 0 && c.id().getLeastSignificantBits() == 0)) {
            throw new ChronikException(ErrorCode.INVALID_REQUEST, "Topic '" + c.name() + "' needs a non-zero topic id");
        }
        if (image.topicById(c.id()).isPresent()) {
            throw new ChronikException(ErrorCode.INVALID_REQUEST, "Topic id " + c.id() + " is already in use");
        }
        if (c.assignments() == null || c.assignments().isEmpty()) {
            throw new ChronikException(ErrorCode.INVALID_PARTITIONS,
                    "Number of partitions must be larger than 0 for topic '" + c.name() + "'");
        }
        validateAssignments(image, c.assignments(), c.assignments().get(0).size());
        TopicConfigs.validate(c.configs());
        List<PartitionImage> partitions = partitionImages(0, c.assignments());
        Map<String, TopicImage> topics = new HashMap<>(image.topics());
        topics.put(c.name(), new TopicImage(c.name(), c.id(), partitions, c.configs()));
        return with(image, image.brokers(), topics, image.nextProducerId());
    }

    private static MetadataImage deleteTopic(MetadataImage image, DeleteTopic c) {
        requireTopic(image, c.name());
        Map<String, TopicImage> topics = new HashMap<>(image.topics());
        topics.remove(c.name());
        return with(image, image.brokers(), topics, image.nextProducerId());
    }

    private static MetadataImage createPartitions(MetadataImage image, CreatePartitions c) {
        TopicImage topic = requireTopic(image, c.topic());
        if (c.newAssignments() == null || c.newAssignments().isEmpty()) {
            throw new ChronikException(ErrorCode.INVALID_PARTITIONS,
                    "Topic '" + c.topic() + "' already has " + topic.partitions().size() + " partitions");
        }
        validateAssignments(image, c.newAssignments(), topic.partitions().get(0).replicas().size());
        List<PartitionImage> partitions = new ArrayList<>(topic.partitions());
        partitions.addAll(partitionImages(partitions.size(), c.newAssignments()));
        Map<String, TopicImage> topics = new HashMap<>(image.topics());
        topics.put(c.topic(), new TopicImage(topic.name(), topic.id(), partitions, topic.configs()));
        return with(image, image.brokers(), topics, image.nextProducerId());
    }

    private static MetadataImage setTopicConfigs(MetadataImage image, SetTopicConfigs c) {
        TopicImage topic = requireTopic(image, c.topic());
        TopicConfigs.validate(c.configs());
        Map<String, TopicImage> topics = new HashMap<>(image.topics());
        topics.put(c.topic(), new TopicImage(topic.name(), topic.id(), topic.partitions(), c.configs()));
        return with(image, image.brokers(), topics, image.nextProducerId());
    }

    private static MetadataImage allocateProducerIds(MetadataImage image, AllocateProducerIds c) {
        if (c.count() <= 0) {
            throw new ChronikException(ErrorCode.INVALID_REQUEST, "Producer id block size must be positive");
        }
        return with(image, image.brokers(), image.topics(), Math.addExact(image.nextProducerId(), c.count()));
    }

    private static MetadataImage changePartitionLeader(MetadataImage image, ChangePartitionLeader c) {
        TopicImage topic = requireTopic(image, c.topic());
        PartitionImage current = requirePartition(topic, c.partition());
        if (c.leaderEpoch() != current.leaderEpoch() + 1) {
            throw new ChronikException(ErrorCode.FENCED_LEADER_EPOCH, "Leader epoch " + c.leaderEpoch() + " of "
                    + c.topic() + "-" + c.partition() + " is not the successor of the current epoch "
                    + current.leaderEpoch());
        }
        if (c.leader() != -1 && !current.replicas().contains(c.leader())) {
            throw new ChronikException(ErrorCode.INVALID_REQUEST, "Broker " + c.leader() + " is not a replica of "
                    + c.topic() + "-" + c.partition());
        }
        validateIsr(current, c.leader(), c.isr(), c.topic());
        return withPartition(image, topic, new PartitionImage(current.partition(), c.leader(), c.leaderEpoch(),
                current.replicas(), c.isr()));
    }

    private static MetadataImage changeIsr(MetadataImage image, ChangeIsr c) {
        TopicImage topic = requireTopic(image, c.topic());
        PartitionImage current = requirePartition(topic, c.partition());
        if (c.leaderEpoch() != current.leaderEpoch()) {
            throw new ChronikException(c.leaderEpoch() < current.leaderEpoch() ? ErrorCode.FENCED_LEADER_EPOCH
                    : ErrorCode.UNKNOWN_LEADER_EPOCH, "ISR change for leader epoch " + c.leaderEpoch() + " of "
                    + c.topic() + "-" + c.partition() + ", whose epoch is " + current.leaderEpoch());
        }
        if (current.leader() == -1) {
            throw new ChronikException(ErrorCode.LEADER_NOT_AVAILABLE, c.topic() + "-" + c.partition()
                    + " has no leader");
        }
        validateIsr(current, current.leader(), c.isr(), c.topic());
        for (Integer added : c.isr()) {
            if (!current.isr().contains(added) && !image.brokers().containsKey(added)) {
                throw new ChronikException(ErrorCode.INVALID_REQUEST, "Broker " + added + " is not alive and cannot"
                        + " join the ISR of " + c.topic() + "-" + c.partition());
            }
        }
        return withPartition(image, topic, new PartitionImage(current.partition(), current.leader(),
                current.leaderEpoch(), current.replicas(), c.isr()));
    }

    /** An ISR is a non-empty duplicate-free subset of the replicas that holds the leader (when there is one). */
    private static void validateIsr(PartitionImage current, int leader, List<Integer> isr, String topic) {
        String name = topic + "-" + current.partition();
        if (isr == null || isr.isEmpty() || new HashSet<>(isr).size() != isr.size()
                || !current.replicas().containsAll(isr)) {
            throw new ChronikException(ErrorCode.INVALID_REQUEST, "ISR " + isr + " is not a set of replicas "
                    + current.replicas() + " of " + name);
        }
        if (leader != -1 && !isr.contains(leader)) {
            throw new ChronikException(ErrorCode.INVALID_REQUEST, "ISR " + isr + " of " + name
                    + " does not hold its leader " + leader);
        }
    }

    private static PartitionImage requirePartition(TopicImage topic, int partition) {
        PartitionImage p = topic.partition(partition);
        if (p == null) {
            throw new ChronikException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + topic.name()
                    + "' has no partition " + partition);
        }
        return p;
    }

    private static MetadataImage withPartition(MetadataImage image, TopicImage topic, PartitionImage partition) {
        List<PartitionImage> partitions = new ArrayList<>(topic.partitions());
        partitions.set(partition.partition(), partition);
        Map<String, TopicImage> topics = new HashMap<>(image.topics());
        topics.put(topic.name(), new TopicImage(topic.name(), topic.id(), partitions, topic.configs()));
        return with(image, image.brokers(), topics, image.nextProducerId());
    }

    private static TopicImage requireTopic(MetadataImage image, String name) {
        TopicImage topic = image.topics().get(name);
        if (topic == null) {
            throw new ChronikException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                    "This server does not host this topic: " + name);
        }
        return topic;
    }

    private static void validateAssignments(MetadataImage image, List<List<Integer>> assignments,
            int replicationFactor) {
        for (int i = 0; i < assignments.size(); i++) {
            List<Integer> replicas = assignments.get(i);
            if (replicas == null || replicas.isEmpty()) {
                throw invalidAssignment("an empty replica list");
            }
            if (replicas.size() != replicationFactor) {
                throw invalidAssignment("replica lists of different sizes (" + replicationFactor + " and "
                        + replicas.size() + ")");
            }
            Set<Integer> seen = new HashSet<>();
            for (Integer broker : replicas) {
                if (broker == null || !image.isRegistered(broker)) {
                    throw invalidAssignment("broker " + broker + ", which is not registered");
                }
                if (!seen.add(broker)) {
                    throw invalidAssignment("broker " + broker + " twice in one partition");
                }
            }
        }
    }

    private static ChronikException invalidAssignment(String what) {
        return new ChronikException(ErrorCode.INVALID_REPLICA_ASSIGNMENT, "The replica assignment contains " + what);
    }

    private static List<PartitionImage> partitionImages(int firstPartition, List<List<Integer>> assignments) {
        List<PartitionImage> partitions = new ArrayList<>(assignments.size());
        for (int i = 0; i < assignments.size(); i++) {
            List<Integer> replicas = assignments.get(i);
            partitions.add(new PartitionImage(firstPartition + i, replicas.get(0), 0, replicas, replicas));
        }
        return partitions;
    }

    private static MetadataImage with(MetadataImage image, Map<Integer, MetadataImage.BrokerInfo> brokers,
            Map<String, TopicImage> topics, long nextProducerId) {
        return new MetadataImage(image.clusterId(), image.controllerId(), brokers, topics, nextProducerId,
                image.fencedBrokers(), image.adminApiKey());
    }

    /**
     * A new random topic id, never one Kafka reserves (the zero id, the metadata topic id 1) nor one whose base64 form
     * starts with '-' (it would look like an option on command lines), as Kafka's {@code Uuid.randomUuid()}.
     */
    public static UUID newTopicId() {
        UUID id;
        do {
            id = UUID.randomUUID();
        } while ((id.getMostSignificantBits() == 0 && id.getLeastSignificantBits() < 100)
                || id.getMostSignificantBits() >>> 58 == 62);
        return id;
    }
}
