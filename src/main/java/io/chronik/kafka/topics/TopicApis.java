package io.chronik.kafka.topics;

import io.chronik.config.ServerConfig;
import io.chronik.kafka.ApiHandler;
import io.chronik.metadata.MetadataStore;
import java.util.List;

/** The topic and cluster administration Kafka APIs: Metadata, topic creation and deletion, configs, cluster. */
public final class TopicApis {

    private TopicApis() {
    }

    public static List<ApiHandler> handlers(MetadataStore metadata, ServerConfig config) {
        TopicCreator creator = new TopicCreator(metadata, config);
        ConfigChanges changes = new ConfigChanges(metadata, config);
        return List.of(
                new MetadataHandler(metadata, config, creator),
                new CreateTopicsHandler(config, creator),
                new DeleteTopicsHandler(metadata),
                new CreatePartitionsHandler(metadata),
                new DescribeConfigsHandler(metadata, config),
                new AlterConfigsHandler(changes),
                new IncrementalAlterConfigsHandler(changes, config),
                new DescribeClusterHandler(metadata),
                new DescribeTopicPartitionsHandler(metadata));
    }
}
