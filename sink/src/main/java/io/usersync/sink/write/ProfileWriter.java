package io.usersync.sink.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.kafka.common.TopicPartition;

import io.usersync.schemas.database.ProfileTable;
import io.usersync.schemas.profile.UserProfile;
import io.usersync.sink.SinkConfig.DeleteMode;
import io.usersync.sink.batch.Batch;
import io.usersync.sink.batch.ProfileWrite;

/**
 * Applies a batch in one transaction together with the consumer offsets it reaches. Rows are guarded by
 * {@code source_lsn}: an older profile never overwrites a newer row, and a profile at the row's own LSN rewrites it
 * only if it is a resync (or the writer replays) and the row differs from it: the stream processor sends a profile
 * again after a crash, and that must not write the row twice. A write that can never succeed is
 * isolated by splitting the batch under savepoints until it stands alone; it is handed to
 * {@code rejected} and the rest of the batch commits.
 */
public final class ProfileWriter {

    /** Decides about writes the database refuses. */
    @FunctionalInterface
    public interface RejectedWrites {

        /** Called with each write that can never be written, before the batch commits. */
        void reject(ProfileWrite write, SQLException error);

        /**
         * Whether a write refused for a username another row holds waits for that row's change to free it: its
         * partition is then held back from it, and it is not rejected.
         */
        default boolean waitsForUsername(ProfileWrite write) {
            return false;
        }
    }

    /**
     * How the batch went: how many rows were upserted, deleted and rejected, and the partitions held back, each with
     * the offset to read again from (stored as its next offset).
     */
    public record Result(int upserted, int deleted, int rejected, Map<TopicPartition, Long> heldBack) {
    }

    private final DataSource dataSource;
    private final String groupId;
    private final boolean rewriteSameLsn;
    private final ProfileUpserts upserts;
    private final String delete;
    private final String releaseAppOwnedFields;

    /**
     * @param table          the profile table
     * @param rewriteSameLsn every profile rewrites a row at the same LSN that differs from it, not only a resync: for
     *                       a replay, which repairs rows changed by hand
     */
    public ProfileWriter(DataSource dataSource, ProfileTable table, String groupId, DeleteMode deleteMode,
            boolean rewriteSameLsn) {
        this.dataSource = dataSource;
        this.groupId = groupId;
        this.rewriteSameLsn = rewriteSameLsn;
        this.upserts = new ProfileUpserts(table);
        this.delete = ProfileSql.on(table, deleteMode == DeleteMode.HARD ? ProfileSql.HARD_DELETE : ProfileSql.SOFT_DELETE);
        this.releaseAppOwnedFields = ProfileSql.on(table, ProfileSql.RELEASE_APP_OWNED_FIELDS);
    }

    public Result write(Batch batch, RejectedWrites rejected) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Map<TopicPartition, Long> heldBack = new HashMap<>();
                List<ProfileWrite> writes = batch.writes();
                Map<ProfileWrite, SQLException> refused = applyHoldingBack(connection, writes, rejected, heldBack);
                while (refused == null) {
                    // A write waits for its username: all again, without its partition's writes from it on.
                    connection.rollback();
                    writes = writes.stream().filter(write -> !isHeldBack(write, heldBack)).toList();
                    refused = applyHoldingBack(connection, writes, rejected, heldBack);
                }
                Map<ProfileWrite, SQLException> rejects = refused;
                Map<TopicPartition, Long> nextOffsets = new HashMap<>(batch.nextOffsets());
                nextOffsets.putAll(heldBack);
                storeOffsets(connection, nextOffsets);
                rejects.forEach(rejected::reject);
                connection.commit();
                long deletes = writes.stream().filter(w -> !rejects.containsKey(w) && w.isDelete()).count();
                return new Result(writes.size() - rejects.size() - (int) deletes, (int) deletes, rejects.size(),
                        Map.copyOf(heldBack));
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        }
    }

    /**
     * Applies the writes, isolating those the database refuses; returns them with their errors, or null when one of
     * them waits for its username (then {@code heldBack} has its partition from its offset, and nothing was kept).
     */
    private Map<ProfileWrite, SQLException> applyHoldingBack(Connection connection, List<ProfileWrite> writes,
            RejectedWrites rejected, Map<TopicPartition, Long> heldBack) throws SQLException {
        Map<ProfileWrite, SQLException> rejects = new LinkedHashMap<>();
        try {
            // Without a savepoint first: almost every batch is written whole, and a savepoint is two round trips.
            apply(connection, writes);
            return rejects;
        } catch (SQLException e) {
            if (!Failure.of(e).isolatesTheRecord()) {
                throw e;
            }
            connection.rollback();
            applyIsolating(connection, writes, rejects);
        }
        // A username may have been freed by a write of the batch that came after the refused one: once more, last.
        for (ProfileWrite write : List.copyOf(rejects.keySet())) {
            if (Failure.isUsernameTaken(rejects.get(write))) {
                rejects.remove(write);
                applyIsolating(connection, List.of(write), rejects);
            }
        }
        boolean holding = false;
        for (Map.Entry<ProfileWrite, SQLException> reject : rejects.entrySet()) {
            ProfileWrite write = reject.getKey();
            if (Failure.isUsernameTaken(reject.getValue()) && rejected.waitsForUsername(write)) {
                heldBack.merge(write.partition(), write.offset(), Math::min);
                holding = true;
            }
        }
        return holding ? null : rejects;
    }

    private static boolean isHeldBack(ProfileWrite write, Map<TopicPartition, Long> heldBack) {
        Long from = heldBack.get(write.partition());
        return from != null && write.offset() >= from;
    }

    /**
     * Forgets the deletes applied longer ago than {@code kept}: no write of an older profile can come after that.
     *
     * @return how many were forgotten
     */
    public int forgetDeletesOlderThan(Duration kept) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(ProfileSql.FORGET_DELETES)) {
            statement.setLong(1, kept.toSeconds());
            return statement.executeUpdate();
        }
    }

    /** Checks that the database answers; throws what the connection attempt threw when it does not. */
    public void ping() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isValid(2)) {
                throw new SQLTransientConnectionException("database did not answer a validity check");
            }
        }
    }

    /** The offsets stored for these partitions; a partition with none is absent. */
    public Map<TopicPartition, Long> storedOffsets(Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(ProfileSql.READ_OFFSETS)) {
            statement.setString(1, groupId);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    TopicPartition partition = new TopicPartition(rs.getString(1), rs.getInt(2));
                    if (partitions.contains(partition)) {
                        offsets.put(partition, rs.getLong(3));
                    }
                }
            }
        }
        return offsets;
    }

    private void applyIsolating(Connection connection, List<ProfileWrite> writes, Map<ProfileWrite, SQLException> rejects)
            throws SQLException {
        if (writes.isEmpty()) {
            return;
        }
        Savepoint savepoint = connection.setSavepoint();
        try {
            apply(connection, writes);
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!Failure.of(e).isolatesTheRecord()) {
                throw e;
            }
            connection.rollback(savepoint);
            if (writes.size() == 1) {
                rejects.put(writes.get(0), e);
                return;
            }
            int half = writes.size() / 2;
            applyIsolating(connection, writes.subList(0, half), rejects);
            applyIsolating(connection, writes.subList(half, writes.size()), rejects);
        }
    }

    /** Deletes first: a username freed by a delete may be taken by an upsert of the same batch. */
    private void apply(Connection connection, List<ProfileWrite> writes) throws SQLException {
        List<ProfileWrite> deletes = writes.stream().filter(ProfileWrite::isDelete).toList();
        if (!deletes.isEmpty()) {
            try (PreparedStatement deleting = connection.prepareStatement(delete);
                    PreparedStatement remember = connection.prepareStatement(ProfileSql.REMEMBER_DELETE);
                    PreparedStatement release = connection.prepareStatement(releaseAppOwnedFields)) {
                for (ProfileWrite write : deletes) {
                    UUID id = UUID.fromString(write.userId());
                    deleting.setObject(1, id);
                    deleting.setLong(2, write.deleteLsn());
                    deleting.addBatch();
                    remember.setObject(1, id);
                    remember.setLong(2, write.deleteLsn());
                    remember.addBatch();
                    release.setObject(1, id);
                    release.addBatch();
                }
                deleting.executeBatch();
                remember.executeBatch();
                release.executeBatch();
            }
        }
        List<UserProfile> newer = new ArrayList<>();
        List<UserProfile> newerOrChanged = new ArrayList<>();
        for (ProfileWrite write : writes) {
            if (!write.isDelete()) {
                (rewriteSameLsn || write.profile().resync() ? newerOrChanged : newer).add(write.profile());
            }
        }
        if (!newer.isEmpty()) {
            upserts.upsert(connection, newer, ProfileSql.ON_CONFLICT_NEWER);
        }
        if (!newerOrChanged.isEmpty()) {
            upserts.upsert(connection, newerOrChanged, ProfileSql.ON_CONFLICT_NEWER_OR_CHANGED);
        }
    }

    private void storeOffsets(Connection connection, Map<TopicPartition, Long> offsets) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(ProfileSql.STORE_OFFSET)) {
            for (Map.Entry<TopicPartition, Long> offset : offsets.entrySet()) {
                statement.setString(1, groupId);
                statement.setString(2, offset.getKey().topic());
                statement.setInt(3, offset.getKey().partition());
                statement.setLong(4, offset.getValue());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is already broken; the transaction is gone with it.
        }
    }
}
