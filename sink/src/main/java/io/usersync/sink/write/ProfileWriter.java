package io.usersync.sink.write;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.kafka.common.TopicPartition;

import io.usersync.schemas.profile.UserProfile;
import io.usersync.sink.SinkConfig.DeleteMode;
import io.usersync.sink.batch.Batch;
import io.usersync.sink.batch.ProfileWrite;

/**
 * Applies a batch in one transaction together with the consumer offsets it reaches. Rows are guarded by
 * {@code source_lsn}: an older profile never overwrites a newer row. A write that can never succeed is
 * isolated by splitting the batch under savepoints until it stands alone; it is handed to
 * {@code rejected} and the rest of the batch commits.
 */
public final class ProfileWriter {

    /** Called with each write that can never be written, before the batch commits. */
    @FunctionalInterface
    public interface RejectedWrites {
        void reject(ProfileWrite write, SQLException error);
    }

    /** How the batch went: how many rows were upserted, deleted and rejected. */
    public record Result(int upserted, int deleted, int rejected) {
    }

    static final String UPSERT = """
            insert into public.users as u (id, email, username, full_name, avatar_url, provider, providers,
                email_verified, is_anonymous, created_at, updated_at, last_sign_in_at, deleted_at, source_lsn, synced_at)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::timestamptz, ?::timestamptz, ?::timestamptz, null, ?, now())
            on conflict (id) do update set
                email = excluded.email, username = excluded.username, full_name = excluded.full_name,
                avatar_url = excluded.avatar_url, provider = excluded.provider, providers = excluded.providers,
                email_verified = excluded.email_verified, is_anonymous = excluded.is_anonymous,
                created_at = excluded.created_at, updated_at = excluded.updated_at,
                last_sign_in_at = excluded.last_sign_in_at, deleted_at = null,
                source_lsn = excluded.source_lsn, synced_at = now()
            where u.source_lsn <= excluded.source_lsn
            """;
    static final String HARD_DELETE = "delete from public.users where id = ? and source_lsn <= ?";
    static final String SOFT_DELETE = """
            update public.users set deleted_at = now(), email = null, full_name = null, avatar_url = null,
                synced_at = now()
            where id = ? and source_lsn <= ? and deleted_at is null
            """;
    static final String STORE_OFFSET = """
            insert into usersync.sink_offsets (group_id, topic, partition, next_offset, updated_at)
            values (?, ?, ?, ?, now())
            on conflict (group_id, topic, partition) do update set next_offset = excluded.next_offset, updated_at = now()
            """;
    static final String READ_OFFSETS = "select topic, partition, next_offset from usersync.sink_offsets where group_id = ?";

    private final DataSource dataSource;
    private final String groupId;
    private final DeleteMode deleteMode;

    public ProfileWriter(DataSource dataSource, String groupId, DeleteMode deleteMode) {
        this.dataSource = dataSource;
        this.groupId = groupId;
        this.deleteMode = deleteMode;
    }

    public Result write(Batch batch, RejectedWrites rejected) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<ProfileWrite> rejects = new ArrayList<>();
                Map<ProfileWrite, SQLException> errors = new HashMap<>();
                applyIsolating(connection, batch.writes(), rejects, errors);
                storeOffsets(connection, batch.nextOffsets());
                for (ProfileWrite write : rejects) {
                    rejected.reject(write, errors.get(write));
                }
                connection.commit();
                long deletes = batch.writes().stream().filter(w -> !rejects.contains(w) && w.isDelete()).count();
                return new Result(batch.writes().size() - rejects.size() - (int) deletes, (int) deletes, rejects.size());
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        }
    }

    /** The offsets stored for these partitions; a partition with none is absent. */
    public Map<TopicPartition, Long> storedOffsets(Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(READ_OFFSETS)) {
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

    private void applyIsolating(Connection connection, List<ProfileWrite> writes, List<ProfileWrite> rejects,
            Map<ProfileWrite, SQLException> errors) throws SQLException {
        if (writes.isEmpty()) {
            return;
        }
        Savepoint savepoint = connection.setSavepoint();
        try {
            apply(connection, writes);
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (Failure.of(e) != Failure.POISON) {
                throw e;
            }
            connection.rollback(savepoint);
            if (writes.size() == 1) {
                rejects.add(writes.get(0));
                errors.put(writes.get(0), e);
                return;
            }
            int half = writes.size() / 2;
            applyIsolating(connection, writes.subList(0, half), rejects, errors);
            applyIsolating(connection, writes.subList(half, writes.size()), rejects, errors);
        }
    }

    /** Deletes first: a username freed by a delete may be taken by an upsert of the same batch. */
    private void apply(Connection connection, List<ProfileWrite> writes) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(deleteMode == DeleteMode.HARD ? HARD_DELETE : SOFT_DELETE)) {
            boolean any = false;
            for (ProfileWrite write : writes) {
                if (write.isDelete()) {
                    delete.setObject(1, UUID.fromString(write.userId()));
                    delete.setLong(2, write.deleteLsn());
                    delete.addBatch();
                    any = true;
                }
            }
            if (any) {
                delete.executeBatch();
            }
        }
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
            boolean any = false;
            for (ProfileWrite write : writes) {
                if (!write.isDelete()) {
                    bind(connection, upsert, write.profile());
                    upsert.addBatch();
                    any = true;
                }
            }
            if (any) {
                upsert.executeBatch();
            }
        }
    }

    private static void bind(Connection connection, PreparedStatement statement, UserProfile profile) throws SQLException {
        statement.setObject(1, UUID.fromString(profile.id()));
        statement.setString(2, profile.email());
        statement.setString(3, profile.username());
        statement.setString(4, profile.fullName());
        statement.setString(5, profile.avatarUrl());
        statement.setString(6, profile.provider());
        if (profile.providers() == null) {
            statement.setNull(7, Types.ARRAY);
        } else {
            Array providers = connection.createArrayOf("text", profile.providers().toArray());
            statement.setArray(7, providers);
        }
        statement.setBoolean(8, profile.emailVerified());
        statement.setBoolean(9, profile.isAnonymous());
        statement.setString(10, profile.createdAt());
        statement.setString(11, profile.updatedAt());
        statement.setString(12, profile.lastSignInAt());
        statement.setLong(13, profile.sourceLsn());
    }

    private void storeOffsets(Connection connection, Map<TopicPartition, Long> offsets) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(STORE_OFFSET)) {
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
