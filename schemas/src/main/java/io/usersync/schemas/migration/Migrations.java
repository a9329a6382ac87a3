package io.usersync.schemas.migration;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the SQL migrations that ship with usersync. Two sets, each with its own history table: the
 * pipeline's ({@code public.users} and the {@code usersync} tables; history in {@code usersync}), and a
 * dev-only copy of Supabase's {@code auth} schema for demos and tests (history in {@code auth}).
 */
public final class Migrations {

    private static final String HISTORY_TABLE = "flyway_schema_history";

    private final String jdbcUrl;
    private final String user;
    private final String password;

    public Migrations(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /** Creates {@code public.users} and the pipeline's own tables. Needs the {@code auth} schema to exist. */
    public MigrateResult applyPipeline() {
        return flyway("classpath:db/usersync", "usersync").migrate();
    }

    /** Creates Supabase's {@code auth} schema. For embedded and test databases only. */
    public MigrateResult applyDevAuthSchema() {
        return flyway("classpath:db/dev-auth", "auth").migrate();
    }

    private Flyway flyway(String location, String historySchema) {
        return Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations(location)
                .schemas(historySchema)
                .table(HISTORY_TABLE)
                .failOnMissingLocations(true)
                .load();
    }
}
