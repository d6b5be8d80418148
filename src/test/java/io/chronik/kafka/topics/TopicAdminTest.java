package io.chronik.kafka.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronik.testing.ChronikServerExtension;
import io.chronik.testing.ChronikTestServer;
import io.chronik.testing.RawKafkaConnection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The topic and cluster administration APIs, through the real AdminClient (and raw requests where it has none). */
@ExtendWith(ChronikServerExtension.class)
class TopicAdminTest {

    private static <T> Throwable failure(org.apache.kafka.common.KafkaFuture<T> future) {
        return assertThrows(ExecutionException.class, future::get).getCause();
    }

    @Test
    void createsListsDescribesAndDeletesTopics(ChronikTestServer server) throws Exception {
        Admin admin = server.admin();
        admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1), new NewTopic("defaults",
                Optional.empty(), Optional.empty()))).all().get();
        assertEquals(Set.of("orders", "defaults"), admin.listTopics().names().get());

        TopicDescription orders = admin.describeTopics(Set.of("orders")).allTopicNames().get().get("orders");
        assertNotEquals(Uuid.ZERO_UUID, orders.topicId());
        assertFalse(orders.isInternal());
        assertEquals(3, orders.partitions().size());
        for (TopicPartitionInfo p : orders.partitions()) {
            assertEquals(1, p.leader().id());
            assertEquals(List.of(1), p.replicas().stream().map(n -> n.id()).toList());
            assertEquals(List.of(1), p.isr().stream().map(n -> n.id()).toList());
        }
        assertEquals(1, admin.describeTopics(Set.of("defaults")).allTopicNames().get().get("defaults")
                .partitions().size());
        TopicDescription byId = admin.describeTopics(TopicCollection.ofTopicIds(List.of(orders.topicId())))
                .allTopicIds().get().get(orders.topicId());
        assertEquals("orders", byId.name());

        admin.deleteTopics(Set.of("defaults")).all().get();
        admin.deleteTopics(TopicCollection.ofTopicIds(List.of(orders.topicId()))).all().get();
        assertEquals(Set.of(), admin.listTopics().names().get());
        assertInstanceOf(UnknownTopicOrPartitionException.class,
                failure(admin.deleteTopics(Set.of("orders")).all()));
        assertInstanceOf(UnknownTopicIdException.class,
                failure(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(orders.topicId()))).all()));
    }

    @Test
    void validateOnlyCreatesNothing(ChronikTestServer server) throws Exception {
        Admin admin = server.admin();
        admin.createTopics(List.of(new NewTopic("dry", 2, (short) 1)), new CreateTopicsOptions().validateOnly(true))
                .all().get();
        assertEquals(Set.of(), admin.listTopics().names().get());
    }

    @Test
    void rejectsInvalidTopicsWithKafkasErrors(ChronikTestServer server) throws Exception {
        Admin admin = server.admin();
        admin.createTopics(List.of(new NewTopic("taken", 1, (short) 1))).all().get();
        assertInstanceOf(TopicExistsException.class,
                failure(admin.createTopics(List.of(new NewTopic("taken", 1, (short) 1))).all()));
        assertInstanceOf(InvalidConfigurationException.class, failure(admin.createTopics(List.of(
                new NewTopic("badconfig", 1, (short) 1).configs(Map.of("retention.ms", "forever")))).all()));
        assertInstanceOf(InvalidConfigurationException.class, failure(admin.createTopics(List.of(
                new NewTopic("unknownconfig", 1, (short) 1).configs(Map.of("no.such.thing", "1")))).all()));
        assertInstanceOf(InvalidPartitionsException.class,
                failure(admin.createTopics(List.of(new NewTopic("nopartitions", 0, (short) 1))).all()));
        Throwable rf = failure(admin.createTopics(List.of(new NewTopic("toomany", 1, (short) 3))).all());
        assertInstanceOf(InvalidReplicationFactorException.class, rf);
        assertTrue(rf.getMessage().contains("only 1 broker"), rf.getMessage());
        assertInstanceOf(InvalidTopicException.class,
                failure(admin.createTopics(List.of(new NewTopic("bad/name", 1, (short) 1))).all()));
        assertEquals(Set.of("taken"), admin.listTopics().names().get());
    }

    @Test
    void createPartitionsGrowsATopicButNeverShrinksIt(ChronikTestServer server) throws Exception {
        Admin admin = server.admin();
        admin.createTopics(List.of(new NewTopic("grow", 2, (short) 1))).all().get();
        admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(5))).all().get();
        assertEquals(5, admin.describeTopics(Set.of("grow")).allTopicNames().get().get("grow").partitions().size());
        assertInstanceOf(InvalidPartitionsException.class,
                failure(admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(3))).all()));
        assertInstanceOf(InvalidPartitionsException.class,
                failure(admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(5))).all()));
        assertInstanceOf(UnknownTopicOrPartitionException.class,
                failure(admin.createPartitions(Map.of("absent", NewPartitions.increaseTo(5))).all()));
    }

    @Test
    void describeConfigsReportsEveryTopicConfigWithSourcesSynonymsAndDocumentation(ChronikTestServer server)
            throws Exception {
        Admin admin = server.admin();
        admin.createTopics(List.of(new NewTopic("cfg", 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                .all().get();
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "cfg");
        Config config = admin.describeConfigs(Set.of(topic), new DescribeConfigsOptions().includeSynonyms(true)
                .includeDocumentation(true)).all().get().get(topic);
        assertEquals(io.chronik.metadata.TopicConfigs.names().size(), config.entries().size());
        ConfigEntry policy = config.get("cleanup.policy");
        assertEquals("compact", policy.value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, policy.source());
        assertEquals(ConfigEntry.ConfigType.LIST, policy.type());
        assertEquals(List.of("cleanup.policy", "log.cleanup.policy"),
                policy.synonyms().stream().map(ConfigEntry.ConfigSynonym::name).toList());
        ConfigEntry flush = config.get("flush.messages");
        assertEquals("1", flush.value());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, flush.source());
        assertTrue(flush.documentation() != null && !flush.documentation().isBlank());

        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        Config brokerConfig = admin.describeConfigs(Set.of(broker)).all().get().get(broker);
        assertEquals("1", brokerConfig.get("default.replication.factor").value());
        assertEquals("1", brokerConfig.get("num.partitions").value());
        assertEquals("1", brokerConfig.get("min.insync.replicas").value());
        assertEquals("604800000", brokerConfig.get("log.retention.ms").value());
        assertTrue(brokerConfig.get("log.retention.ms").isReadOnly());

        assertInstanceOf(UnknownTopicOrPartitionException.class, failure(admin.describeConfigs(Set.of(
                new ConfigResource(ConfigResource.Type.TOPIC, "absent"))).all()));
    }

    @Test
    void incrementalAlterConfigsSetsDeletesAppendsAndSubtracts(ChronikTestServer server) throws Exception {
        Admin admin = server.admin();
        admin.createTopics(List.of(new NewTopic("alter", 1, (short) 1))).all().get();
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "alter");
        admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND))))
                .all().get();
        Config after = admin.describeConfigs(Set.of(topic)).all().get().get(topic);
        assertEquals("1000", after.get("retention.ms").value());
        assertEquals("delete,compact", after.get("cleanup.policy").value());

        admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE),
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SUBTRACT))))
                .all().get();
        after = admin.describeConfigs(Set.of(topic)).all().get().get(topic);
        assertEquals("604800000", after.get("retention.ms").value());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, after.get("retention.ms").source());
        assertEquals("compact", after.get("cleanup.policy").value());

        assertInstanceOf(InvalidConfigurationException.class, failure(admin.incrementalAlterConfigs(Map.of(topic,
                List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "x"), AlterConfigOp.OpType.SET)))).all()));
        assertInstanceOf(InvalidConfigurationException.class, failure(admin.incrementalAlterConfigs(Map.of(topic,
                List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "5"), AlterConfigOp.OpType.APPEND))))
                .all()));
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        Throwable brokerChange = failure(admin.incrementalAlterConfigs(Map.of(broker, List.of(new AlterConfigOp(
                new ConfigEntry("log.retention.ms", "5"), AlterConfigOp.OpType.SET)))).all());
        assertInstanceOf(InvalidConfigurationException.class, brokerChange);
        assertTrue(brokerChange.getMessage().contains("log.retention.ms"), brokerChange.getMessage());
    }

    @Test
    void legacyAlterConfigsReplacesAllOverrides(ChronikTestServer server) throws Exception {
        Admin admin = server.admin();
        admin.createTopics(List.of(new NewTopic("legacy", 1, (short) 1).configs(Map.of("retention.ms", "1000"))))
                .all().get();
        try (RawKafkaConnection c = new RawKafkaConnection("127.0.0.1", server.port(), Duration.ofSeconds(5))) {
            AlterConfigsRequestData req = new AlterConfigsRequestData();
            AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                    .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("legacy");
            resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("segment.ms")
                    .setValue("60000"));
            req.resources().add(resource);
            c.send(ApiKeys.ALTER_CONFIGS, (short) 2, 5, req);
            AlterConfigsResponseData response = (AlterConfigsResponseData) c.receive(ApiKeys.ALTER_CONFIGS, (short) 2)
                    .body();
            assertEquals(Errors.NONE.code(), response.responses().get(0).errorCode());
        }
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "legacy");
        Config after = admin.describeConfigs(Set.of(topic)).all().get().get(topic);
        assertEquals("60000", after.get("segment.ms").value());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, after.get("retention.ms").source());
    }

    @Test
    void describeClusterReportsThisBroker(ChronikTestServer server) throws Exception {
        Admin admin = server.admin();
        Collection<org.apache.kafka.common.Node> nodes = admin.describeCluster().nodes().get();
        assertEquals(List.of(new org.apache.kafka.common.Node(1, "127.0.0.1", server.port())), List.copyOf(nodes));
        assertEquals(1, admin.describeCluster().controller().get().id());
    }

    @Test
    void metadataAutoCreatesUnknownTopicsWithTheServerDefaults(ChronikTestServer server) throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection("127.0.0.1", server.port(), Duration.ofSeconds(5))) {
            MetadataRequestData req = new MetadataRequestData().setAllowAutoTopicCreation(true);
            req.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("auto"));
            req.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("__internal_not_created"));
            req.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("bad name"));
            c.send(ApiKeys.METADATA, (short) 12, 1, req);
            MetadataResponseData r = (MetadataResponseData) c.receive(ApiKeys.METADATA, (short) 12).body();
            MetadataResponseData.MetadataResponseTopic auto = r.topics().find("auto");
            assertEquals(Errors.NONE.code(), auto.errorCode());
            assertEquals(1, auto.partitions().size());
            assertEquals(1, auto.partitions().get(0).leaderId());
            assertEquals(0, auto.partitions().get(0).leaderEpoch());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                    r.topics().find("__internal_not_created").errorCode());
            assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), r.topics().find("bad name").errorCode());
        }
        Map<String, TopicListing> listings = server.admin().listTopics().namesToListings().get();
        assertEquals(Set.of("auto"), listings.keySet());
    }

    @Test
    void describeTopicPartitionsPagesWithACursor(ChronikTestServer server) throws Exception {
        server.admin().createTopics(List.of(new NewTopic("a", 3, (short) 1), new NewTopic("b", 2, (short) 1)))
                .all().get();
        try (RawKafkaConnection c = new RawKafkaConnection("127.0.0.1", server.port(), Duration.ofSeconds(5))) {
            DescribeTopicPartitionsRequestData req = new DescribeTopicPartitionsRequestData()
                    .setResponsePartitionLimit(2);
            c.send(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, (short) 0, 1, req);
            var page1 = (DescribeTopicPartitionsResponseData) c.receive(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, (short) 0)
                    .body();
            assertEquals(List.of("a"), page1.topics().stream().map(t -> t.name()).toList());
            assertEquals(2, page1.topics().find("a").partitions().size());
            assertEquals("a", page1.nextCursor().topicName());
            assertEquals(2, page1.nextCursor().partitionIndex());

            req.setCursor(new DescribeTopicPartitionsRequestData.Cursor().setTopicName("a").setPartitionIndex(2));
            c.send(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, (short) 0, 2, req);
            var page2 = (DescribeTopicPartitionsResponseData) c.receive(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, (short) 0)
                    .body();
            assertEquals(List.of(2), page2.topics().find("a").partitions().stream().map(p -> p.partitionIndex())
                    .toList());
            assertEquals(1, page2.topics().find("b").partitions().size());
            assertEquals("b", page2.nextCursor().topicName());
            assertEquals(1, page2.nextCursor().partitionIndex());

            req.setCursor(new DescribeTopicPartitionsRequestData.Cursor().setTopicName("b").setPartitionIndex(1));
            c.send(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, (short) 0, 3, req);
            var page3 = (DescribeTopicPartitionsResponseData) c.receive(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, (short) 0)
                    .body();
            assertEquals(List.of("b"), page3.topics().stream().map(t -> t.name()).toList());
            assertNull(page3.nextCursor());
        }
        // the AdminClient uses DescribeTopicPartitions and follows the cursor
        assertEquals(3, server.admin().describeTopics(Set.of("a", "b")).allTopicNames().get().get("a").partitions()
                .size());
    }
}
