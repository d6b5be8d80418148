package io.chronik.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.chronik.common.ErrorCode;
import io.chronik.common.TopicPartition;
import io.chronik.config.HostPort;
import io.chronik.config.ServerConfig;
import io.chronik.log.BatchHeader;
import io.chronik.log.FlushDeferral;
import io.chronik.log.LogFlusher;
import io.chronik.log.PartitionLog;
import io.chronik.metadata.PartitionImage;
import io.chronik.metadata.TopicConfig;
import io.chronik.metadata.TopicConfigs;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The marks of a single-replica leader as the flusher thread moves them after a force. */
class PartitionMarksTest {

    @TempDir
    Path dir;

    private final LogFlusher flusher = new LogFlusher(2);
    private Partition partition;

    @AfterEach
    void close() throws Exception {
        if (partition != null) {
            partition.close();
        }
        flusher.close();
    }

    private Partition openLeader() throws Exception {
        ServerConfig server = new ServerConfig(1, dir, new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0),
                ServerConfig.KafkaSettings.DEFAULT, ServerConfig.LogDefaults.DEFAULT, Optional.empty());
        TopicConfig config = TopicConfigs.resolve(Map.of(), server);
        PartitionLog log = PartitionLog.open(dir.resolve("t-0"), LogConfigs.of(config), flusher);
        partition = Partition.open(new TopicPartition("t", 0), UUID.randomUUID(), 1, log, (change, done) -> done.run(),
                30_000, config, new PartitionImage(0, 1, 0, List.of(1), List.of(1)), -1);
        return partition;
    }

    @Test
    void anAcksOneProducerIsAnsweredOnlyOnceTheHighWatermarkCoversItsRecords() throws Exception {
        Partition p = openLeader();
        CompletableFuture<Long> hwWhenAnswered;
        try (FlushDeferral deferral = FlushDeferral.open()) {
            ByteBuffer batch = InProcessReplicas.batch(0, 3);
            var appended = (ProduceResult.Appended) p.append(batch, BatchHeader.read(batch), (short) 1);
            assertEquals(2, appended.lastOffset());
            // what a producer that asks for the latest offset right after its acknowledgement would get
            hwWhenAnswered = p.awaitAcks(appended.lastOffset() + 1, (short) 1, 30_000)
                    .thenApply(error -> error == ErrorCode.NONE ? p.highWatermark() : -1L);
            assertFalse(hwWhenAnswered.isDone(), "answered before the force");
        } // the held force runs now, on a flusher thread, and answers the producer there
        assertEquals(3L, hwWhenAnswered.get(10, TimeUnit.SECONDS));
        assertEquals(3, p.durableEndOffset());
    }
}
