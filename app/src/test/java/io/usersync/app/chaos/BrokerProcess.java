package io.usersync.app.chaos;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** A Kafka broker ({@link BrokerMain}) in a JVM of its own, restartable on the same port with the same data. */
public final class BrokerProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

    private final Path logDirectory;
    private final int port;
    private final Path log;
    private JavaProcess process;

    public BrokerProcess(Path logDirectory, Path outputDirectory) {
        this.logDirectory = logDirectory;
        this.port = FreePort.next();
        this.log = outputDirectory.resolve("broker.log");
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker and returns once it answers. */
    public synchronized BrokerProcess start() throws IOException {
        process = JavaProcess.start(BrokerMain.class, List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"),
                List.of(logDirectory.toString(), Integer.toString(port)), Map.of(), log);
        await().atMost(READY_TIMEOUT).ignoreExceptions().failFast("the broker exited", () -> !process.isAlive())
                .until(this::answers);
        return this;
    }

    /** A clean stop: the broker closes its logs and leaves the cluster's metadata as a restart expects. */
    public synchronized void stop() throws InterruptedException {
        process.stop();
    }

    private boolean answers() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        }
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }
}
