package io.usersync.app.chaos;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import javax.sql.DataSource;

import org.awaitility.core.ConditionTimeoutException;

import io.usersync.app.reconcile.DriftRepair;
import io.usersync.app.reconcile.DriftReport;
import io.usersync.app.reconcile.Reconciler;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.database.ProfileTable;
import io.usersync.schemas.kafka.KafkaClientSettings;

/**
 * What a test reads of public.users against auth.users: the synced ids, drift as {@code usersync reconcile} sees it
 * (the pipeline's own normalizer), usernames, how often each row version was written and which deleted users were
 * inserted again, counted by triggers this class installs.
 */
public final class PublicUsers {

    private final DataSource database;

    public PublicUsers(DataSource database) {
        this.database = database;
    }

    /**
     * Counts the writes of each row version (user id and source LSN) of public.users: the sink writes a version once,
     * however often it reads it again after a crash; a new version (an update, a new snapshot) is a new count.
     */
    public void countWrites() throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("create table public.write_counts (id uuid, source_lsn bigint, writes int not null,"
                    + " primary key (id, source_lsn))");
            statement.execute("create function public.count_write() returns trigger language plpgsql as $$ begin "
                    + "insert into public.write_counts values (new.id, new.source_lsn, 1) "
                    + "on conflict (id, source_lsn) do update set writes = write_counts.writes + 1; return new; end $$");
            statement.execute("create trigger count_writes after insert or update on public.users "
                    + "for each row execute function public.count_write()");
            // A user whose row was deleted never comes back: every id deleted is remembered, and an insert of one counted.
            statement.execute("create table public.deleted_ids (id uuid primary key)");
            statement.execute("create table public.resurrections (id uuid, source_lsn bigint)");
            statement.execute("create function public.remember_deleted() returns trigger language plpgsql as $$ begin "
                    + "insert into public.deleted_ids values (old.id) on conflict do nothing; return null; end $$");
            statement.execute("create trigger remember_deleted after delete on public.users "
                    + "for each row execute function public.remember_deleted()");
            statement.execute("create function public.count_resurrection() returns trigger language plpgsql as $$ begin "
                    + "if exists (select 1 from public.deleted_ids d where d.id = new.id) then "
                    + "insert into public.resurrections values (new.id, new.source_lsn); end if; return null; end $$");
            statement.execute("create trigger count_resurrections after insert on public.users "
                    + "for each row execute function public.count_resurrection()");
        }
    }

    /** Rows inserted again after their user's row was deleted, as "id at source_lsn". */
    public List<String> resurrections() throws SQLException {
        return strings("select id || ' at ' || source_lsn from public.resurrections");
    }

    /** How many row versions got each number of writes: only the key 1 when nothing was written twice. */
    public Map<Integer, Integer> writesPerRowVersion() throws SQLException {
        Map<Integer, Integer> counts = new HashMap<>();
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select writes, count(*) from public.write_counts group by writes")) {
            while (rs.next()) {
                counts.put(rs.getInt(1), rs.getInt(2));
            }
        }
        return counts;
    }

    public Set<UUID> syncedIds() throws SQLException {
        Set<UUID> ids = new HashSet<>();
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select id from public.users")) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    /** Users missing, rows orphaned and fields that differ from the normalized auth.users row, with no grace. */
    public DriftReport drift() throws SQLException {
        return new Reconciler(database, ProfileTable.DEFAULT, Duration.ZERO).run();
    }

    /**
     * Waits, a few minutes at most, until the drift is as wanted; if it never is, the failure says where the users
     * that kept it went astray ({@link DriftTrail}).
     */
    public DriftReport awaitDrift(Predicate<DriftReport> wanted, String bootstrapServers) throws SQLException {
        try {
            return await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(this::drift, wanted::test);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("public.users did not converge: " + new DriftTrail(database, bootstrapServers)
                    .describe(drift()), e);
        }
    }

    /**
     * As {@code usersync reconcile --repair} once only orphaned rows are left: a tombstone on the profiles topic for
     * each row whose user is gone.
     */
    public void removeOrphans(String bootstrapServers) throws Exception {
        DriftReport orphans = awaitDrift(drift -> drift.missing().isEmpty() && drift.drifted().isEmpty(), bootstrapServers);
        new DriftRepair(database, KafkaClientSettings.bootstrapServers(bootstrapServers), TopicNames.PROFILES).repair(orphans);
    }

    /** Each synced user's username. */
    public Map<UUID, String> usernames() throws SQLException {
        Map<UUID, String> usernames = new HashMap<>();
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select id, username from public.users")) {
            while (rs.next()) {
                usernames.put(rs.getObject(1, UUID.class), rs.getString(2));
            }
        }
        return usernames;
    }

    /**
     * Users whose username is not their base or the base with a suffix of 2 or more (the base is the {@code chaos_base}
     * of their metadata), as "id: username (base)".
     */
    public List<String> usernamesNotOfTheirBase() throws SQLException {
        return strings("select u.id || ': ' || u.username || ' (' || (a.raw_user_meta_data->>'chaos_base') || ')'"
                + " from auth.users a join public.users u on u.id = a.id"
                + " where u.username !~ ('^' || (a.raw_user_meta_data->>'chaos_base') || '([2-9]|[1-9][0-9]+)?$')");
    }

    /** Usernames held by more than one row, case-insensitively. */
    public List<String> usernamesTakenTwice() throws SQLException {
        return strings("select lower(username) from public.users group by lower(username) having count(*) > 1");
    }

    private List<String> strings(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
