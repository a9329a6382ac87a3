package io.usersync.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigException;
import io.usersync.app.config.Durations;
import io.usersync.app.config.Setting;

/** What the operations commands share: they work on a running deployment, never on embedded servers. */
final class CommandSupport {

    private CommandSupport() {
    }

    static AppConfig requireExternal(AppConfig config) {
        return require(config, true);
    }

    /** For a command that reads only the database, such as a report-only reconcile. */
    static AppConfig requireExternalDatabase(AppConfig config) {
        return require(config, false);
    }

    private static AppConfig require(AppConfig config, boolean kafka) {
        List<String> problems = new ArrayList<>();
        if (config.database().isEmpty()) {
            problems.add(Setting.DB_URL.variable() + " is required: set it to the database the pipeline runs against.");
        }
        if (kafka && config.kafkaBootstrapServers().isEmpty()) {
            problems.add(Setting.KAFKA_BOOTSTRAP_SERVERS.variable() + " is required: set it to the pipeline's Kafka cluster.");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /** The option's duration; a wrong one stops the command with a message that names the option. */
    static Duration duration(String option, String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of(option + ": " + e.getMessage() + "."));
        }
    }

    /** Runs a long-lived service until the process is stopped (Ctrl-C), then closes it. */
    static void runUntilStopped(AutoCloseable service, String name) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                System.err.println(name + " did not stop cleanly: " + e);
            } finally {
                stopped.countDown();
            }
        }, name + "-shutdown"));
        stopped.await();
    }
}
