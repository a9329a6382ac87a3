package io.usersync.app;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.zaxxer.hikari.HikariDataSource;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigException;
import io.usersync.app.config.ConfigOptions;
import io.usersync.app.database.ConnectionPools;
import io.usersync.app.ownership.GiveBack;
import io.usersync.app.run.StageConfigs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "give-back", mixinStandardHelpOptions = true,
        description = {"Gives a user's profile fields back to the provider: the app no longer owns them, and the pipeline",
                "writes them from the user's metadata again, now and at every later change.",
                "Example: usersync give-back --user 6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11 --field avatar_url"})
final class GiveBackCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Option(names = "--user", required = true, description = "the user's id")
    String user;

    @Option(names = "--field", description = "username, full_name or avatar_url; repeat for several (default: all three)")
    List<String> fields = GiveBack.PROFILE_FIELDS;

    @Override
    public Integer call() throws Exception {
        AppConfig config = CommandSupport.requireExternalDatabase(options.load());
        UUID id;
        try {
            id = UUID.fromString(user);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of("--user takes a user id (uuid); got '" + user + "'."));
        }
        if (!GiveBack.PROFILE_FIELDS.containsAll(fields)) {
            throw new ConfigException(List.of("--field takes " + String.join(", ", GiveBack.PROFILE_FIELDS) + "; got "
                    + fields + "."));
        }
        try (HikariDataSource database = ConnectionPools.forCommand(StageConfigs.database(config), "usersync-give-back")) {
            int owned = new GiveBack(database).giveBack(id, fields);
            System.out.printf("give-back: %d of %d fields were the app's; capture re-reads user %s and the pipeline writes"
                    + " them from the provider%n", owned, fields.size(), id);
        }
        return 0;
    }
}
