package io.chronik.kafka.data;

import io.chronik.broker.Partition;
import io.chronik.broker.ReplicaManager;
import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DescribeLogDirs: one log dir, {@code <dataDir>/logs}, with the size of every local partition (all, or those
 * requested), offset lag 0 (no future replicas), and the file store's total and usable bytes.
 */
final class DescribeLogDirsHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(DescribeLogDirsHandler.class);

    private final ReplicaManager replicas;

    DescribeLogDirsHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_LOG_DIRS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        var data = request.bodyAs(DescribeLogDirsRequestData.class);
        Map<String, DescribeLogDirsTopic> topics = new TreeMap<>();
        for (Partition p : replicas.partitions()) {
            String topic = p.topicPartition().topic();
            int index = p.topicPartition().partition();
            if (data.topics() != null && !requested(data, topic, index)) {
                continue;
            }
            topics.computeIfAbsent(topic, t -> new DescribeLogDirsTopic().setName(t)).partitions()
                    .add(new DescribeLogDirsPartition().setPartitionIndex(index).setPartitionSize(p.sizeInBytes())
                            .setOffsetLag(0).setIsFutureKey(false));
        }
        var result = new DescribeLogDirsResult().setLogDir(replicas.logsDir().toAbsolutePath().toString())
                .setTopics(new java.util.ArrayList<>(topics.values()));
        try {
            FileStore store = Files.getFileStore(replicas.logsDir());
            result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
        } catch (IOException e) {
            log.warn("Cannot read the file store of {}: {}", replicas.logsDir(), e.toString());
            result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
        return CompletableFuture.completedFuture(new DescribeLogDirsResponseData().setResults(
                new java.util.ArrayList<>(java.util.List.of(result))));
    }

    private static boolean requested(DescribeLogDirsRequestData data, String topic, int partition) {
        var t = data.topics().find(topic);
        return t != null && Set.copyOf(t.partitions()).contains(partition);
    }
}
