package io.chronik.kafka.data;

import io.chronik.broker.ReplicaManager;
import io.chronik.config.ServerConfig;
import io.chronik.kafka.ApiHandler;
import io.chronik.metadata.MetadataStore;
import java.util.List;

/** The data-path Kafka APIs: produce, fetch, offsets, producer ids and log-dir administration. */
public final class DataApis {

    private DataApis() {
    }

    public static List<ApiHandler> handlers(ReplicaManager replicas, MetadataStore metadata, ServerConfig config) {
        return List.of();
    }
}
