package io.usersync.app;

import java.time.Duration;
import java.util.concurrent.Callable;

import com.zaxxer.hikari.HikariDataSource;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigOptions;
import io.usersync.app.database.ConnectionPools;
import io.usersync.app.reconcile.DriftReport;
import io.usersync.app.reconcile.DriftRepair;
import io.usersync.app.reconcile.Reconciler;
import io.usersync.app.run.StageConfigs;
import io.usersync.schemas.TopicNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = {"Compares auth.users with public.users: users missing from public.users, rows whose user is",
                "gone, and rows whose fields differ from the current auth.users row (a field the app owns never differs).",
                "Exit code 0 when in step, 3 when not. Reporting needs only the database; --repair needs Kafka too.",
                "Example: usersync reconcile --grace 60s --repair"})
final class ReconcileCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Option(names = "--grace", description = "ignore changes younger than this (in flight), e.g. 60s (default ${DEFAULT-VALUE})",
            defaultValue = Reconciler.DEFAULT_GRACE_SECONDS + "s")
    String grace;

    @Option(names = "--repair", description = "resync exactly the users found, through the pipeline")
    boolean repair;

    @Option(names = "--max-ids", description = "ids listed per kind (default ${DEFAULT-VALUE})", defaultValue = "20")
    int maxIds;

    @Override
    public Integer call() throws Exception {
        AppConfig config = repair ? CommandSupport.requireExternal(options.load())
                : CommandSupport.requireExternalDatabase(options.load());
        Duration graceDuration = CommandSupport.duration("--grace", grace);
        try (HikariDataSource database = ConnectionPools.forCommand(StageConfigs.database(config), "usersync-reconcile")) {
            DriftReport report = new Reconciler(database, StageConfigs.database(config).profileTable(), graceDuration).run();
            System.out.print(report.format(maxIds));
            if (repair && report.total() > 0) {
                new DriftRepair(database, config.kafka(), TopicNames.PROFILES).repair(report);
                System.out.printf("repair: %d users resynced, %d rows removed through the pipeline%n",
                        report.missing().size() + report.drifted().size(), report.orphaned().size());
            }
            return report.total() == 0 ? 0 : 3;
        }
    }
}
