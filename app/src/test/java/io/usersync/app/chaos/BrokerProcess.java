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

import io.usersync.embedded.KafkaQuorum;

/**
 * One node of a {@link KafkaQuorum} ({@link BrokerMain}) in a JVM of its own, restartable on the same ports with the
 * same data.
 */
public final class BrokerProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

    private final Path logDirectory;
    private final KafkaQuorum quorum;
    private final int nodeId;
    private final Path log;
    private JavaProcess process;

    /** @param outputDirectory where its log goes: broker.log for a quorum of one, broker-{node id}.log otherwise */
    public BrokerProcess(Path logDirectory, Path outputDirectory, KafkaQuorum quorum, int nodeId) {
        this.logDirectory = logDirectory;
        this.quorum = quorum;
        this.nodeId = nodeId;
        this.log = outputDirectory.resolve(quorum.nodes().size() == 1 ? "broker.log" : "broker-" + nodeId + ".log");
    }

    public int nodeId() {
        return nodeId;
    }

    /** This node's client listener only. */
    public String bootstrapServers() {
        return "127.0.0.1:" + quorum.node(nodeId).clientPort();
    }

    /** Starts the broker and returns once it answers, which a node of a larger quorum does once a majority is up. */
    public synchronized BrokerProcess start() throws IOException {
        launch();
        awaitReady();
        return this;
    }

    /** Starts the broker's JVM without waiting for it: the nodes of a quorum start together. */
    synchronized void launch() throws IOException {
        process = JavaProcess.start(BrokerMain.class, List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"),
                List.of(logDirectory.toString(), quorum.format(), Integer.toString(nodeId)), Map.of(), log);
    }

    void awaitReady() {
        await().atMost(READY_TIMEOUT).ignoreExceptions().failFast("broker " + nodeId + " exited", () -> !isAlive())
                .until(this::answers);
    }

    /** A clean stop: the broker hands its partitions' leadership over and closes its logs. */
    public synchronized void stop() throws InterruptedException {
        process.stop();
    }

    /** {@code kill -9}: its partitions keep it as their leader until the controller fences it. */
    public synchronized void kill() throws InterruptedException {
        process.kill();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The JVM's process id; its CPU time is in /proc. */
    public synchronized long pid() {
        return process.pid();
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
