package io.usersync.app;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.zaxxer.hikari.HikariDataSource;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigException;
import io.usersync.app.config.ConfigOptions;
import io.usersync.app.database.ConnectionPools;
import io.usersync.app.run.StageConfigs;
import io.usersync.capture.resync.ResyncSignal;
import io.usersync.sink.replay.ProfilesReplay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "resync", mixinStandardHelpOptions = true,
        description = {"--from profiles: rewrites public.users from the compacted profiles topic (after a truncate or",
                "a restore from an old backup). Idempotent, safe while run is running.",
                "--from source: re-reads auth.users (all, or --user ID ...) and pushes it through the running pipeline.",
                "Examples: usersync resync --from profiles",
                "          usersync resync --from source --user 6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11"})
final class ResyncCommand implements Callable<Integer> {

    enum From { PROFILES, SOURCE }

    @Mixin
    ConfigOptions options;

    @Option(names = "--from", required = true, description = "profiles or source")
    String from;

    @Option(names = "--user", description = "with --from source: only these user ids")
    List<String> users = List.of();

    @Override
    public Integer call() throws Exception {
        AppConfig config = CommandSupport.requireExternal(options.load());
        From source;
        try {
            source = From.valueOf(from.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of("--from takes profiles or source; got '" + from + "'."));
        }
        if (source == From.PROFILES) {
            if (!users.isEmpty()) {
                throw new ConfigException(List.of("--user goes with --from source only."));
            }
            ProfilesReplay.Result result = new ProfilesReplay(StageConfigs.sink(config))
                    .run(records -> System.out.printf("\rreplayed %,d profile records", records));
            System.out.printf("%nresync from profiles: %,d records, %,d rows written, %,d deleted, %,d rejected%n",
                    result.records(), result.upserted(), result.deleted(), result.rejected());
            return result.rejected() == 0 ? 0 : 1;
        }
        String id;
        try (HikariDataSource database = ConnectionPools.forCommand(StageConfigs.database(config), "usersync-resync")) {
            ResyncSignal signal = new ResyncSignal(database);
            id = users.isEmpty() ? signal.requestAll() : signal.requestUsers(users.stream().map(UUID::fromString).toList());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of("--user takes user ids (uuids): " + e.getMessage()));
        }
        System.out.printf("resync from source requested for %s (signal %s); capture re-reads them through the running slot%n",
                users.isEmpty() ? "every user" : users.size() + " users", id);
        return 0;
    }
}
