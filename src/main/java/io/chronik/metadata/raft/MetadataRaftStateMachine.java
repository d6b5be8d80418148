package io.chronik.metadata.raft;

import io.chronik.common.ChronikException;
import io.chronik.metadata.MetadataCommand;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStateMachine;
import java.io.File;
import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of the cluster metadata: each committed log entry is a {@link MetadataCommand}
 * ({@link CommandCodec}) applied with the pure {@link MetadataStateMachine}; a command the state machine rejects
 * leaves the image unchanged on every node and returns the error to its submitter.
 *
 * <p>Snapshots: {@link #takeSnapshot} writes the image ({@link ImageSnapshot}) as {@code sm/snapshot.<term>_<index>}
 * with an md5 file; {@link #initialize} loads the latest one and Ratis replays the log after it.
 *
 * <p>Lifecycle (Ratis's {@code BaseStateMachine} leaves it to subclasses): {@code initialize} moves NEW → STARTING →
 * RUNNING; before installing a snapshot sent by the leader Ratis calls {@link #pause} (RUNNING → PAUSING → PAUSED, no
 * entry is applied while paused) and afterwards {@link #reinitialize}, which replaces the image with the installed
 * snapshot's and moves PAUSED → STARTING → RUNNING. Ratis asserts PAUSED before reloading; without these transitions
 * the follower's state machine updater dies after a snapshot install.
 *
 * <p>Threads: entries are applied one at a time, in log order, by Ratis's state machine updater thread, which also
 * calls {@link Events#applied}; leader notifications come from other Ratis threads and must not block.
 */
final class MetadataRaftStateMachine extends BaseStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataRaftStateMachine.class);

    /** What the store learns from Ratis. Implementations return quickly. */
    interface Events {
        /** A new image was applied (or loaded from a snapshot). */
        void applied(MetadataImage image);

        /** The Raft leader is now {@code nodeId} (-1: none known). */
        void leaderChanged(int nodeId);

        /** This node is leader and has applied every entry of earlier terms: controller duties may start. */
        void leaderReady();

        /** This node stopped being leader. */
        void notLeader();
    }

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Events events;
    private final ReentrantLock appliedLock = new ReentrantLock();
    private final Condition appliedAdvanced = appliedLock.newCondition();
    private volatile MetadataImage image = MetadataStateMachine.initial("", -1);
    /** The image right after each of the last {@link #RECENT} entries, so a submitter gets the image its entry made. */
    private final ConcurrentSkipListMap<Long, MetadataImage> recent = new ConcurrentSkipListMap<>();
    private static final int RECENT = 128;

    MetadataRaftStateMachine(Events events) {
        this.events = events;
    }

    MetadataImage image() {
        return image;
    }

    /** The image right after the entry at {@code index}, or null when it is no longer (or not yet) remembered. */
    MetadataImage imageAt(long index) {
        return recent.get(index);
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            load(storage.getLatestSnapshot(), "Loaded");
        });
    }

    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    @Override
    public void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot(), "Installed (from the leader)");
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    private void load(SingleFileSnapshotInfo snapshot, String how) throws IOException {
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        MetadataImage loaded = ImageSnapshot.read(file.toPath());
        setLastAppliedTermIndex(snapshot.getTermIndex());
        recent.clear();
        publish(loaded);
        LOG.info("{} metadata snapshot {} ({} topics, {} brokers)", how, file.getName(), loaded.topics().size(),
                loaded.brokers().size() + loaded.fencedBrokers().size());
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        MetadataImage before = image;
        MetadataImage after = before;
        byte[] result;
        try {
            MetadataCommand command = CommandCodec.decode(
                    entry.getStateMachineLogEntry().getLogData().toByteArray());
            after = MetadataStateMachine.apply(before, command);
            result = CommandCodec.success();
        } catch (ChronikException e) {
            result = CommandCodec.failure(e);
        } catch (IOException e) {
            LOG.error("Metadata log entry {} is not a command this version knows; skipped: {}", entry.getIndex(),
                    e.getMessage());
            result = CommandCodec.failure(new ChronikException(io.chronik.common.ErrorCode.UNKNOWN_SERVER_ERROR,
                    "Unknown metadata command"));
        }
        recent.put(entry.getIndex(), after);
        while (recent.size() > RECENT) {
            recent.pollFirstEntry();
        }
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        publish(after);
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(result)));
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        super.notifyTermIndexUpdated(term, index);
        signalApplied();
    }

    /** Publishes before waking submitters, so a submitter that wakes up finds its change published. */
    private void publish(MetadataImage next) {
        image = next;
        events.applied(next);
        signalApplied();
    }

    private void signalApplied() {
        appliedLock.lock();
        try {
            appliedAdvanced.signalAll();
        } finally {
            appliedLock.unlock();
        }
    }

    /** Waits until the entry at {@code index} is applied here; false when {@code timeoutMs} passed first. */
    boolean awaitApplied(long index, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        appliedLock.lock();
        try {
            while (getLastAppliedTermIndex().getIndex() < index) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                appliedAdvanced.awaitNanos(left);
            }
            return true;
        } finally {
            appliedLock.unlock();
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        MetadataImage snapshotImage = image;
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        ImageSnapshot.write(snapshotImage, file.toPath());
        var md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        LOG.info("Took metadata snapshot {}", file.getName());
        return last.getIndex();
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeader) {
        events.leaderChanged(newLeader == null ? -1 : RaftLayout.nodeId(newLeader));
        if (newLeader == null || !newLeader.equals(member.getPeerId())) {
            events.notLeader();
        }
    }

    @Override
    public void notifyLeaderReady() {
        events.leaderReady();
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
        events.notLeader();
    }

    @Override
    public void close() {
        getLifeCycle().checkStateAndClose();
    }
}
