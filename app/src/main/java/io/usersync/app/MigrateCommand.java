package io.usersync.app;

import java.util.List;
import java.util.concurrent.Callable;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigException;
import io.usersync.app.config.ConfigOptions;
import io.usersync.app.config.Setting;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.migration.Migrations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Creates or updates public.users and the usersync schema in USERSYNC_DB_URL.",
                "With --dev-auth-schema it first creates Supabase's auth schema: for a development database only."})
final class MigrateCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Option(names = "--dev-auth-schema", description = "also create the auth schema (never on a Supabase database)")
    boolean devAuthSchema;

    @Override
    public Integer call() {
        AppConfig config = options.load();
        DatabaseSettings database = config.database().orElseThrow(() -> new ConfigException(List.of(Setting.DB_URL.variable()
                + " is required for migrate. Fix: set it to the JDBC URL of the database to migrate.")));
        Migrations migrations = new Migrations(database.jdbcUrl(), database.user(), database.password());
        if (devAuthSchema) {
            System.out.printf("auth schema: %d migrations applied%n", migrations.applyDevAuthSchema().migrationsExecuted);
        }
        System.out.printf("usersync schema: %d migrations applied%n", migrations.applyPipeline().migrationsExecuted);
        return 0;
    }
}
