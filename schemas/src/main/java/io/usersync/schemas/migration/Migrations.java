package io.usersync.schemas.migration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

import io.usersync.schemas.database.ProfileTable;

/**
 * Applies the SQL migrations that ship with usersync. Two sets, each with its own history table: the
 * pipeline's ({@code public.users} and the {@code usersync} tables; history in {@code usersync}), and a
 * dev-only copy of Supabase's {@code auth} schema for demos and tests (history in {@code auth}). The migrations
 * from V7 on name the profile table through the placeholder {@code users_table}: an app's own table of another name
 * ({@code public.profiles}) is adopted, never created.
 */
public final class Migrations {

    static final String HISTORY_TABLE = "flyway_schema_history";
    static final String PIPELINE_LOCATION = "classpath:db/usersync";
    static final String PIPELINE_HISTORY_SCHEMA = "usersync";
    static final String USERS_TABLE_PLACEHOLDER = "users_table";

    /**
     * The pipeline migrations an adopted {@code public.users} gets recorded without running: V1 would create the
     * table the app already has; V5 would revoke the app's grants and add the pipeline's checks, which the app's
     * rows (usernames like {@code Jo.Doe}, avatars that are storage paths) would fail at their next update.
     */
    private static final Set<MigrationVersion> RECORDED_WHEN_ADOPTING = Set.of(MigrationVersion.fromVersion("1"),
            MigrationVersion.fromVersion("5"));
    /**
     * V6 puts its triggers on {@code public.users} by name; an adopted table of another name gets them from V8, which
     * names the table through the placeholder.
     */
    private static final MigrationVersion NAMES_PUBLIC_USERS = MigrationVersion.fromVersion("6");

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final ProfileTable table;

    /** Migrations of a database whose profile table is {@code public.users}. */
    public Migrations(String jdbcUrl, String user, String password) {
        this(jdbcUrl, user, password, ProfileTable.DEFAULT);
    }

    public Migrations(String jdbcUrl, String user, String password, ProfileTable table) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.table = table;
    }

    /**
     * What a migration run does or would do: the migrations recorded as applied without running, and those run,
     * each as {@code V2 sink offsets}.
     */
    public record Steps(List<String> recorded, List<String> executed) {

        public Steps {
            recorded = List.copyOf(recorded);
            executed = List.copyOf(executed);
        }

        public boolean isEmpty() {
            return recorded.isEmpty() && executed.isEmpty();
        }
    }

    /** Creates {@code public.users} and the pipeline's own tables. Needs the {@code auth} schema to exist. */
    public MigrateResult applyPipeline() {
        if (!table.isDefault() && !pipelineInstalled()) {
            throw new IllegalStateException("usersync creates public.users only; " + table + " is adopted (adoptPipeline)");
        }
        return pipeline().load().migrate();
    }

    /** The pipeline migrations {@link #applyPipeline()} would run now. */
    public Steps pendingPipeline() {
        return new Steps(List.of(), pending(pipeline()).stream().map(Migrations::name).toList());
    }

    /** Whether the pipeline's first migration, the one that creates {@code public.users}, is in the history. */
    public boolean pipelineInstalled() {
        return Arrays.stream(pipeline().load().info().applied())
                .anyMatch(applied -> applied.isVersioned() && applied.getVersion().equals(MigrationVersion.fromVersion("1")));
    }

    /** What {@link #adoptPipeline()} would do now. */
    public Steps pendingAdoption() {
        List<String> recorded = new ArrayList<>();
        List<String> executed = new ArrayList<>();
        for (MigrationInfo migration : pending(pipeline())) {
            (recordedWhenAdopting(migration) ? recorded : executed).add(name(migration));
        }
        return new Steps(recorded, executed);
    }

    /**
     * Brings the pipeline's migrations up to date on a database whose {@code public.users} the app made and
     * {@code usersync migrate} adopted: V1 and V5 are recorded as applied without running, every other migration
     * runs. One pending migration at a time and in order, so that a run cut short anywhere resumes where it
     * stopped when called again.
     */
    public Steps adoptPipeline() {
        List<String> recorded = new ArrayList<>();
        List<String> executed = new ArrayList<>();
        for (MigrationInfo migration : pending(pipeline())) {
            boolean record = recordedWhenAdopting(migration);
            pipeline().target(migration.getVersion()).skipExecutingMigrations(record).load().migrate();
            (record ? recorded : executed).add(name(migration));
        }
        return new Steps(recorded, executed);
    }

    /** Creates Supabase's {@code auth} schema. For embedded and test databases only. */
    public MigrateResult applyDevAuthSchema() {
        return flyway("classpath:db/dev-auth", "auth").load().migrate();
    }

    /** The dev {@code auth} schema migrations {@link #applyDevAuthSchema()} would run now. */
    public Steps pendingDevAuthSchema() {
        return new Steps(List.of(), pending(flyway("classpath:db/dev-auth", "auth")).stream().map(Migrations::name).toList());
    }

    private static List<MigrationInfo> pending(FluentConfiguration configuration) {
        return List.of(configuration.load().info().pending());
    }

    private boolean recordedWhenAdopting(MigrationInfo migration) {
        return migration.isVersioned() && (RECORDED_WHEN_ADOPTING.contains(migration.getVersion())
                || !table.isDefault() && migration.getVersion().equals(NAMES_PUBLIC_USERS));
    }

    private static String name(MigrationInfo migration) {
        return "V" + migration.getVersion() + " " + migration.getDescription();
    }

    private FluentConfiguration pipeline() {
        return flyway(PIPELINE_LOCATION, PIPELINE_HISTORY_SCHEMA).placeholders(Map.of(USERS_TABLE_PLACEHOLDER, table.qualified()));
    }

    private FluentConfiguration flyway(String location, String historySchema) {
        return Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations(location)
                .schemas(historySchema)
                .table(HISTORY_TABLE)
                .failOnMissingLocations(true);
    }
}
