package io.usersync.app;

import java.util.concurrent.Callable;

import io.usersync.app.config.ConfigOptions;
import io.usersync.app.run.Application;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the pipeline until stopped (Ctrl-C).",
                "With no USERSYNC_DB_URL it starts an embedded PostgreSQL, with no KAFKA_BOOTSTRAP_SERVERS an in-process",
                "Kafka broker; data go under USERSYNC_DATA_DIR."})
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws InterruptedException {
        Application application = Application.start(options.load());
        System.out.printf("usersync is running. Health: http://127.0.0.1:%d/health  Ctrl-C to stop.%n", application.httpPort());
        CommandSupport.runUntilStopped(application, "usersync");
        return 0;
    }
}
