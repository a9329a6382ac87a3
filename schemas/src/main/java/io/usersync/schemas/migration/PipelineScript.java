package io.usersync.schemas.migration;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.parser.PlaceholderReplacingReader;
import org.flywaydb.core.internal.resolver.ChecksumCalculator;
import org.flywaydb.core.internal.resource.ResourceName;
import org.flywaydb.core.internal.resource.ResourceNameParser;
import org.flywaydb.core.internal.scanner.Scanner;

import io.usersync.schemas.database.ProfileTable;

/**
 * The pipeline's migrations as one SQL script, for a project that applies its schema with its own tool (the Supabase
 * CLI's {@code supabase/migrations}) instead of {@link Migrations#applyPipeline()}. The script also writes Flyway's
 * history as Flyway would have: each version with the checksum Flyway computes for it, so that Flyway's validation
 * passes on that database and {@code usersync migrate} finds nothing pending and applies only later migrations.
 *
 * <p>No database is needed: the migrations are found, named, checksummed and given their placeholders by Flyway's own
 * scanner, name parser, checksum calculator and placeholder reader, the classes its SQL migration resolver uses. They
 * are internal to Flyway, so an upgrade of Flyway may move them; the checksums are checked against Flyway's
 * {@code info()} on a real database by {@code PrintSqlIT}.
 *
 * <p>Only for a database without the profile table: usersync creates {@code public.users} and nothing else, and an
 * app's own table is adopted by {@code usersync migrate}, which reads it first. The script stops before any change when
 * it finds {@code public.users} or the {@code usersync} schema.
 */
public final class PipelineScript {

    /** Flyway's schema history table on PostgreSQL, as its PostgreSQL support creates it. */
    private static final String HISTORY_DDL = """
            create table "%1$s"."%2$s" (
                "installed_rank" INT NOT NULL,
                "version" VARCHAR(50),
                "description" VARCHAR(200) NOT NULL,
                "type" VARCHAR(20) NOT NULL,
                "script" VARCHAR(1000) NOT NULL,
                "checksum" INTEGER,
                "installed_by" VARCHAR(100) NOT NULL,
                "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
                "execution_time" INTEGER NOT NULL,
                "success" BOOLEAN NOT NULL
            );
            alter table "%1$s"."%2$s" add constraint "%2$s_pk" primary key ("installed_rank");
            create index "%2$s_s_idx" on "%1$s"."%2$s" ("success");
            """;

    /** A migration as Flyway resolves it from the classpath. */
    public record Migration(MigrationVersion version, String description, String script, int checksum, String sql) {
    }

    private PipelineScript() {
    }

    /** The pipeline's versioned migrations in order, with {@code public.users} for the profile table placeholder. */
    public static List<Migration> migrations() {
        Configuration configuration = Flyway.configure()
                .locations(Migrations.PIPELINE_LOCATION)
                .placeholders(Map.of(Migrations.USERS_TABLE_PLACEHOLDER, ProfileTable.DEFAULT.qualified()))
                .failOnMissingLocations(true);
        ResourceNameParser names = new ResourceNameParser(configuration);
        return new Scanner<>(JavaMigration.class, configuration, configuration.getLocations())
                .getResources(configuration.getSqlMigrationPrefix(), configuration.getSqlMigrationSuffixes()).stream()
                .map(resource -> migration(configuration, names.parse(resource.getFilename()), resource))
                .sorted(Comparator.comparing(Migration::version))
                .toList();
    }

    /**
     * The whole schema as one script, ending with {@code trailer} (the profile fields policy the configuration asks for).
     * Without {@code begin}/{@code commit}: the Supabase CLI runs each migration file in a transaction of its own;
     * {@code psql} needs {@code --single-transaction}.
     */
    public static String script(String trailer) {
        String schema = Migrations.PIPELINE_HISTORY_SCHEMA;
        String history = "\"" + schema + "\".\"" + Migrations.HISTORY_TABLE + "\"";
        StringBuilder sql = new StringBuilder();
        sql.append("""
                -- usersync's schema: public.users and the usersync schema, as `usersync migrate` creates them, with
                -- Flyway's history in %1$s so that `usersync migrate` and `usersync run` take it as migrated.
                -- For a database without public.users; an app's own profile table is adopted by `usersync migrate`.
                do $usersync$
                begin
                    if pg_catalog.to_regclass('public.users') is not null then
                        raise exception 'public.users exists: usersync adopts an app''s own table with `usersync migrate`, which reads it first (see `usersync migrate --dry-run`), not with this script';
                    end if;
                    if pg_catalog.to_regnamespace('%2$s') is not null then
                        raise exception 'schema %2$s exists: usersync is installed here already; `usersync migrate` applies what is missing';
                    end if;
                end
                $usersync$;

                create schema "%2$s";
                """.formatted(history, schema));
        sql.append(HISTORY_DDL.formatted(schema, Migrations.HISTORY_TABLE));
        int rank = 0;
        sql.append(historyRow(history, rank, null, "<< Flyway Schema Creation >>", "SCHEMA", "\"" + schema + "\"", null));
        for (Migration migration : migrations()) {
            sql.append("\n-- ").append(migration.script()).append('\n');
            sql.append(migration.sql());
            if (!migration.sql().endsWith("\n")) {
                sql.append('\n');
            }
            sql.append(historyRow(history, ++rank, migration.version().getVersion(),
                    migration.description(), "SQL", migration.script(), migration.checksum()));
        }
        sql.append('\n').append(trailer).append('\n');
        return sql.toString();
    }

    private static Migration migration(Configuration configuration, ResourceName name, LoadableResource resource) {
        if (!name.isValid() || name.getVersion() == null) {
            throw new IllegalStateException("not a versioned migration: " + resource.getFilename() + " (" + name.getValidityMessage() + ")");
        }
        // Flyway checksums a versioned migration as it is written, before its placeholders are replaced.
        return new Migration(name.getVersion(), name.getDescription(), resource.getFilename(),
                ChecksumCalculator.calculate(resource), read(configuration, resource));
    }

    private static String read(Configuration configuration, LoadableResource resource) {
        try (Reader reader = new PlaceholderReplacingReader(configuration.getPlaceholderPrefix(), configuration.getPlaceholderSuffix(),
                configuration.getPlaceholderSeparator(), configuration.getPlaceholders(), resource.read())) {
            StringBuilder text = new StringBuilder();
            char[] buffer = new char[8192];
            for (int read = reader.read(buffer); read >= 0; read = reader.read(buffer)) {
                text.append(buffer, 0, read);
            }
            return text.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource.getFilename(), e);
        }
    }

    private static String historyRow(String history, int rank, String version, String description, String type, String script,
            Integer checksum) {
        return "insert into " + history + " (\"installed_rank\", \"version\", \"description\", \"type\", \"script\", \"checksum\","
                + " \"installed_by\", \"execution_time\", \"success\")\nvalues (" + rank + ", " + literal(version) + ", "
                + literal(description) + ", " + literal(type) + ", " + literal(script) + ", " + checksum + ", current_user, 0, true);\n";
    }

    private static String literal(String value) {
        return value == null ? "null" : "'" + value.replace("'", "''") + "'";
    }
}
