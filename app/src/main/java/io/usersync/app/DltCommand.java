package io.usersync.app;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

import com.zaxxer.hikari.HikariDataSource;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigOptions;
import io.usersync.app.database.ConnectionPools;
import io.usersync.app.deadletter.DeadLetterRecord;
import io.usersync.app.deadletter.DeadLetterReader;
import io.usersync.app.deadletter.DeadLetterTable;
import io.usersync.app.deadletter.Redrive;
import io.usersync.app.run.StageConfigs;
import io.usersync.schemas.TopicNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "dlt", mixinStandardHelpOptions = true, description = "Lists and redrives dead letters.",
        subcommands = {DltCommand.ListCommand.class, DltCommand.RedriveCommand.class})
final class DltCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("usersync dlt list | redrive  (see --help)");
    }

    /** Filters shared by list and redrive. */
    static final class Filters {
        @Option(names = "--reason", description = "only dead letters with this reason")
        String reason;

        @Option(names = "--since", description = "only dead letters younger than this, e.g. 1h, 30m, PT2H")
        String since;

        @Option(names = "--id", description = "only these dead letters (partition:offset, as list shows them)")
        List<String> ids = List.of();

        Predicate<DeadLetterRecord> predicate() {
            Instant after = since == null ? Instant.MIN : Instant.now().minus(CommandSupport.duration("--since", since));
            return letter -> (reason == null || reason.equals(letter.reason()))
                    && letter.failedAt().isAfter(after)
                    && (ids.isEmpty() || ids.contains(letter.id()));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Shows dead letters with their decoded headers.", "Example: usersync dlt list --since 1h --reason not-json"})
    static final class ListCommand implements Callable<Integer> {

        @Mixin
        ConfigOptions options;

        @Mixin
        Filters filters;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            AppConfig config = CommandSupport.requireExternal(options.load());
            List<DeadLetterRecord> letters = new DeadLetterReader(config.kafka(), TopicNames.DEAD_LETTERS)
                    .readAll().stream().filter(filters.predicate()).toList();
            PrintWriter out = spec.commandLine().getOut();
            out.print(DeadLetterTable.render(letters, Instant.now()));
            out.flush();
            return 0;
        }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = {"Re-publishes dead letters to the topic of the stage that failed, once the cause is fixed.",
                    "Each dead letter is redriven once: running it again skips what was redriven before.",
                    "Example: usersync dlt redrive --reason rejected-by-database"})
    static final class RedriveCommand implements Callable<Integer> {

        @Mixin
        ConfigOptions options;

        @Mixin
        Filters filters;

        @Override
        public Integer call() throws Exception {
            AppConfig config = CommandSupport.requireExternal(options.load());
            List<DeadLetterRecord> letters = new DeadLetterReader(config.kafka(), TopicNames.DEAD_LETTERS)
                    .readAll().stream().filter(filters.predicate()).toList();
            Redrive.Result result;
            try (HikariDataSource database = ConnectionPools.forCommand(StageConfigs.database(config), "usersync-redrive")) {
                result = new Redrive(database, config.kafka(), StageConfigs.consumedTopics(),
                        config.operations().maxRedrives()).redrive(letters);
            }
            for (Redrive.Refusal refusal : result.refused()) {
                System.out.printf("refused %s: %s%n", refusal.id(), refusal.why());
            }
            System.out.printf("redrive: %d re-published, %d skipped (redriven before), %d refused%n", result.redriven(),
                    result.skipped(), result.refused().size());
            return result.refused().isEmpty() ? 0 : 1;
        }
    }
}
