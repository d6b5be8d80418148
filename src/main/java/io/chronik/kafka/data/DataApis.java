package io.chronik.kafka.data;

import io.chronik.broker.ReplicaManager;
import io.chronik.config.ServerConfig;
import io.chronik.kafka.ApiHandler;
import io.chronik.metadata.MetadataStore;
import io.chronik.txn.ProducerIdManager;
import java.util.List;

/** The data-path Kafka APIs: produce, fetch, offsets, producer ids and log-dir administration. */
public final class DataApis {

    private DataApis() {
    }

    public static List<ApiHandler> handlers(ReplicaManager replicas, MetadataStore metadata, ServerConfig config) {
        return List.of(
                new ProduceHandler(replicas),
                new FetchHandler(replicas),
                new ListOffsetsHandler(replicas),
                new DeleteRecordsHandler(replicas),
                new OffsetForLeaderEpochHandler(replicas),
                new DescribeLogDirsHandler(replicas),
                new InitProducerIdHandler(new ProducerIdManager(metadata, config.nodeId())));
    }
}
