package io.chronik.kafka.data;

import io.chronik.broker.Partition;
import io.chronik.broker.ReplicaManager;
import io.chronik.common.ChronikException;
import io.chronik.common.TopicPartition;
import io.chronik.common.WakeupSignal;
import io.chronik.log.OffsetOutOfRangeException;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.TopicImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Fetch request: resolves its partitions once, reads them ({@link #read}) as often as needed, and long-polls
 * ({@link #readWhenAvailable}) on a virtual thread that parks until a high watermark of one of its partitions moves.
 *
 * <p>Reading follows Kafka's {@code ReplicaManager.readFromLog}: partitions in request order, each bounded by its
 * {@code partitionMaxBytes} and what remains of the request's {@code maxBytes}; the first partition that has data
 * returns at least one whole batch even if it is larger, so a consumer can always make progress.
 */
final class FetchOperation {
    private static final Logger log = LoggerFactory.getLogger(FetchOperation.class);
    private static final byte READ_COMMITTED = 1;

    /** The response of one read, its record bytes and whether a partition failed (which answers at once). */
    record Result(FetchResponseData response, long bytes, boolean anyError) {
        boolean complete(int minBytes) {
            return bytes >= minBytes || anyError;
        }
    }

    private final FetchRequestData data;
    private final List<TopicTargets> topics = new ArrayList<>();
    private final List<Partition> watched = new ArrayList<>();

    /** A topic entry of the request with its name and resolved partitions. */
    private record TopicTargets(FetchRequestData.FetchTopic topic, String name,
            List<Resolved> partitions) {}

    private record Resolved(FetchRequestData.FetchPartition request, Partition partition, Errors error) {}

    FetchOperation(ReplicaManager replicas, FetchRequestData data, short version) {
        this.data = data;
        MetadataImage image = replicas.image();
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            Optional<TopicImage> topicImage = version >= 13 ? image.topicById(Uuids.toJava(topic.topicId()))
                    : image.topic(topic.topic());
            List<Resolved> resolved = new ArrayList<>();
            for (FetchRequestData.FetchPartition p : topic.partitions()) {
                if (topicImage.isEmpty()) {
                    resolved.add(new Resolved(p, null,
                            version >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION));
                    continue;
                }
                try {
                    Partition partition = replicas.leaderPartition(new TopicPartition(topicImage.get().name(),
                            p.partition()));
                    resolved.add(new Resolved(p, partition, Errors.NONE));
                    watched.add(partition);
                } catch (ChronikException e) {
                    resolved.add(new Resolved(p, null, Errors.forCode(e.error().code())));
                }
            }
            topics.add(new TopicTargets(topic, topicImage.map(TopicImage::name).orElse(topic.topic()),
                    resolved));
        }
    }

    /** Reads every partition once, now. */
    Result read() {
        var response = new FetchResponseData().setSessionId(0);
        long remaining = Math.max(0, data.maxBytes());
        long bytes = 0;
        boolean minOneBatch = true;
        boolean anyError = false;
        for (TopicTargets topic : topics) {
            var topicResponse = new FetchableTopicResponse().setTopic(topic.name())
                    .setTopicId(topic.topic().topicId());
            response.responses().add(topicResponse);
            for (Resolved r : topic.partitions()) {
                var pd = new PartitionData().setPartitionIndex(r.request().partition()).setHighWatermark(-1)
                        .setLastStableOffset(-1).setLogStartOffset(-1).setPreferredReadReplica(-1)
                        .setRecords(MemoryRecords.EMPTY);
                topicResponse.partitions().add(pd);
                Errors error = r.error() != Errors.NONE ? r.error()
                        : readPartition(r, (int) Math.min(Integer.MAX_VALUE, remaining), minOneBatch, pd);
                if (error != Errors.NONE) {
                    pd.setErrorCode(error.code());
                    anyError = true;
                    continue;
                }
                int size = pd.records().sizeInBytes();
                if (size > 0) {
                    minOneBatch = false;
                    bytes += size;
                    remaining = Math.max(0, remaining - size);
                }
            }
        }
        return new Result(response, bytes, anyError);
    }

    private Errors readPartition(Resolved r, int remaining, boolean minOneBatch, PartitionData pd) {
        Partition partition = r.partition();
        try {
            partition.checkLeaderEpoch(r.request().currentLeaderEpoch());
            int limit = Math.min(Math.max(0, r.request().partitionMaxBytes()), remaining);
            Partition.FetchedData fetched = partition.read(r.request().fetchOffset(), limit, minOneBatch);
            pd.setHighWatermark(fetched.highWatermark()).setLastStableOffset(fetched.highWatermark())
                    .setLogStartOffset(fetched.logStartOffset());
            if (data.isolationLevel() == READ_COMMITTED) {
                pd.setAbortedTransactions(new ArrayList<>());
            }
            if (!fetched.slice().isEmpty()) {
                pd.setRecords(new LogSliceRecords(fetched.slice()));
            }
            return Errors.NONE;
        } catch (OffsetOutOfRangeException e) {
            return Errors.OFFSET_OUT_OF_RANGE;
        } catch (ChronikException e) {
            return Errors.forCode(e.error().code());
        } catch (IOException e) {
            log.error("Reading {} failed: {}", partition.topicPartition(), e.toString());
            return Errors.KAFKA_STORAGE_ERROR;
        }
    }

    /**
     * Completes with the first read that has {@code minBytes} (or a failed partition), or with the read made when
     * {@code maxWaitMs} has passed. Waits on a virtual thread of its own.
     */
    CompletableFuture<ApiMessage> readWhenAvailable(int minBytes, int maxWaitMs) {
        var future = new CompletableFuture<ApiMessage>();
        Thread.ofVirtual().name("chronik-fetch-wait").start(() -> {
            var signal = new WakeupSignal();
            watched.forEach(p -> p.watchHighWatermark(signal));
            try {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
                while (true) {
                    Result result = read();
                    long left = deadline - System.nanoTime();
                    if (result.complete(minBytes) || left <= 0) {
                        future.complete(result.response());
                        return;
                    }
                    signal.await(left);
                }
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            } catch (InterruptedException e) {
                future.complete(read().response());
            } finally {
                watched.forEach(p -> p.unwatchHighWatermark(signal));
            }
        });
        return future;
    }
}
