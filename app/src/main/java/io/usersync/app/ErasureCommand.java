package io.usersync.app;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigException;
import io.usersync.app.config.ConfigOptions;
import io.usersync.app.database.ConnectionPools;
import io.usersync.app.erasure.ErasureCheck;
import io.usersync.app.run.StageConfigs;
import io.usersync.processor.ProcessorConfig;
import io.usersync.processor.topology.UserSyncTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "erasure", mixinStandardHelpOptions = true, description = "Answers a deletion request.",
        subcommands = ErasureCommand.CheckCommand.class)
final class ErasureCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("usersync erasure check --user ID  (see --help)");
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Reports where a user's personal data still is: their rows, and the records of every topic of the"
                    + " pipeline that name them. Exit code 0 when nothing holds it, 1 otherwise.",
                    "Reads every topic whole: minutes on a large deployment.",
                    "Example: usersync erasure check --user 5f0c9b1e-7c2a-4e0b-9d3e-2b1f4a6c8d90"})
    static final class CheckCommand implements Callable<Integer> {

        @Mixin
        ConfigOptions options;

        @Option(names = "--user", required = true, description = "the user's id (auth.users.id)")
        String user;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            AppConfig config = CommandSupport.requireExternal(options.load());
            UUID id;
            try {
                id = UUID.fromString(user);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(List.of("--user: '" + user + "' is not a user id (a UUID)."));
            }
            ProcessorConfig processor = StageConfigs.processor(config);
            List<String> topics = new ArrayList<>(List.of(processor.cdcTopic(), processor.reservationsTopic(),
                    processor.profilesTopic(), processor.eventsTopic(), processor.deadLetterTopic(), processor.claimsTopic(),
                    processor.assignmentsTopic()));
            UserSyncTopology.loggedStores(processor.erasureBound()).keySet()
                    .forEach(store -> topics.add(UserSyncTopology.changelog(processor.applicationId(), store)));
            Set<String> keyedByName = UserSyncTopology.STORES_KEYED_BY_NAME.stream()
                    .map(store -> UserSyncTopology.changelog(processor.applicationId(), store)).collect(Collectors.toSet());
            ErasureCheck.Report report;
            try (HikariDataSource database = ConnectionPools.forCommand(StageConfigs.database(config), "usersync-erasure-check")) {
                report = new ErasureCheck(database, StageConfigs.database(config).profileTable(), config.kafka(),
                        processor.erasureBound().bound(), UserSyncTopology.changelog(processor.applicationId(), UserSyncTopology.USER_STATE_STORE))
                        .check(id, topics, keyedByName);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(report.render(Instant.now()));
            out.flush();
            return report.clear() ? 0 : 1;
        }
    }
}
