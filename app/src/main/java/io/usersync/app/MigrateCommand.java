package io.usersync.app;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import io.usersync.app.adopt.AdoptionPlan;
import io.usersync.app.adopt.AdoptionRefusedException;
import io.usersync.app.adopt.TableAdoption;
import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigException;
import io.usersync.app.config.ConfigOptions;
import io.usersync.app.config.Setting;
import io.usersync.app.database.ConnectionPools;
import io.usersync.app.ownership.ProfileFieldsPolicy;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.database.ProfileTable;
import io.usersync.schemas.migration.Migrations;
import io.usersync.schemas.migration.PipelineScript;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Creates or updates the profile table (USERSYNC_TABLE, public.users unless set) and the usersync schema",
                "in USERSYNC_DB_URL. A profile table the app made (Supabase's profiles starter, filled by a handle_new_user",
                "trigger) is adopted: the pipeline's columns are added, the app's rows, columns, constraints, policies and",
                "triggers kept. usersync creates only public.users: a USERSYNC_TABLE of another name must exist.",
                "Exit code 2, with the reason and the fix, when the table cannot be adopted; nothing is changed then.",
                "With --dev-auth-schema it first creates Supabase's auth schema: for a development database only.",
                "With --print-sql it changes nothing and needs no database: it prints the schema as one SQL script for",
                "supabase/migrations, with Flyway's history, after which migrate and run take the database as migrated."})
final class MigrateCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--dev-auth-schema", description = "also create the auth schema (never on a Supabase database)")
    boolean devAuthSchema;

    @Option(names = "--dry-run", description = "print what migrate would do, the adoption plan included, and change nothing")
    boolean dryRun;

    @Option(names = "--print-sql", description = "print the schema as one SQL script (for supabase/migrations) and change nothing")
    boolean printSql;

    @Override
    public Integer call() throws SQLException {
        AppConfig config = options.load();
        if (printSql) {
            return printSql(config);
        }
        DatabaseSettings database = config.database().orElseThrow(() -> new ConfigException(List.of(Setting.DB_URL.variable()
                + " is required for migrate. Fix: set it to the JDBC URL of the database to migrate.")));
        ProfileTable table = database.profileTable();
        Migrations migrations = new Migrations(database.jdbcUrl(), database.user(), database.password(), table);
        PrintWriter out = spec.commandLine().getOut();
        try (HikariDataSource pool = ConnectionPools.forCommand(database, "usersync-migrate")) {
            TableAdoption adoption = new TableAdoption(pool, table);
            // Before any change, the auth schema's included: only public.users is usersync's to create.
            if (!table.isDefault() && !adoption.tableExists()) {
                spec.commandLine().getErr().printf("usersync migrate changed nothing: %s=%s does not exist, and usersync"
                        + " creates only public.users. Fix: create %s (Supabase's starter, say) or unset %s%n",
                        Setting.TABLE.variable(), table, table, Setting.TABLE.variable());
                spec.commandLine().getErr().flush();
                return 2;
            }
            out.printf("profile table: %s (%s)%n", table, Setting.TABLE.variable());
            if (devAuthSchema) {
                if (dryRun) {
                    out.println("auth schema: " + pending(migrations.pendingDevAuthSchema()));
                } else {
                    out.printf("auth schema: %d migrations applied%n", migrations.applyDevAuthSchema().migrationsExecuted);
                }
            }
            if (adoption.required(migrations)) {
                try {
                    adopt(adoption, migrations, out);
                } catch (AdoptionRefusedException e) {
                    out.flush();
                    spec.commandLine().getErr().println(e.getMessage());
                    return 2;
                }
            } else if (dryRun) {
                out.println("usersync schema: " + (migrations.pipelineInstalled() ? pending(migrations.pendingPipeline())
                        : "would create public.users and the usersync schema (" + list(migrations.pendingPipeline().executed()) + ")"));
            } else {
                out.printf("usersync schema: %d migrations applied%n", migrations.applyPipeline().migrationsExecuted);
            }
            applyProfileFields(config.sink().profileFields(), pool, out);
        }
        out.flush();
        return 0;
    }

    /**
     * Offline: the script needs only the profile table and the policy. An app's own table is never in it, because
     * adopting one depends on what the table holds, which only migrate reads.
     */
    private int printSql(AppConfig config) {
        ProfileTable table = config.database().map(DatabaseSettings::profileTable).orElse(ProfileTable.DEFAULT);
        PrintWriter err = spec.commandLine().getErr();
        if (devAuthSchema || dryRun) {
            err.println("usersync migrate --print-sql prints usersync's schema only; it takes neither --dev-auth-schema (the"
                    + " auth schema is Supabase's) nor --dry-run (it changes nothing anyway).");
            err.flush();
            return 2;
        }
        if (!table.isDefault()) {
            err.printf("usersync migrate --print-sql printed nothing: %s=%s is the app's own table, which usersync adopts"
                    + " and never creates, after reading what it holds. Fix: run 'usersync migrate --dry-run' to see the"
                    + " adoption plan, then 'usersync migrate' against the database%n", Setting.TABLE.variable(), table);
            err.flush();
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(PipelineScript.script(config.sink().profileFields().sql()));
        out.flush();
        return 0;
    }

    private void adopt(TableAdoption adoption, Migrations migrations, PrintWriter out) throws SQLException {
        AdoptionPlan plan = dryRun ? adoption.preview() : adoption.apply();
        out.print(plan.describe(!dryRun));
        Migrations.Steps steps = dryRun ? migrations.pendingAdoption() : migrations.adoptPipeline();
        out.printf("usersync schema: %s %s as applied without running them; %s %s%n",
                dryRun ? "would record" : "recorded", list(steps.recorded()), dryRun ? "would run" : "ran", list(steps.executed()));
        out.print(plan.cutOver());
    }

    /** {@code run} refuses to start a sink under another policy than the database holds: migrate is where it changes. */
    private void applyProfileFields(ProfileFieldsPolicy policy, DataSource database, PrintWriter out) throws SQLException {
        String variable = Setting.PROFILE_FIELDS.variable();
        if (dryRun) {
            out.printf("profile fields: would apply %s (%s)%n", policy.value(), variable);
        } else {
            policy.apply(database);
            out.printf("profile fields: %s (%s)%n", policy.value(), variable);
        }
    }

    private static String pending(Migrations.Steps steps) {
        return steps.isEmpty() ? "up to date" : "would run " + list(steps.executed());
    }

    private static String list(List<String> migrations) {
        return migrations.isEmpty() ? "none" : String.join(", ", migrations);
    }
}
