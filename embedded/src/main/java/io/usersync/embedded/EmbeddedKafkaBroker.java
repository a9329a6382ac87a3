package io.usersync.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A real Kafka broker running inside this JVM: one combined broker and controller node in KRaft mode,
 * listening on loopback. Other processes reach it at {@link #bootstrapServers()} like any broker.
 * {@link #startTemporaryWithSaslPlain} gives one whose client listener takes only SASL/PLAIN-authenticated
 * clients, for tests of client security settings; {@link #startNode} one node of a {@link KafkaQuorum}.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final Path logDirectory;
    private final boolean temporary;
    private final String bootstrapServers;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path logDirectory, boolean temporary, String bootstrapServers) {
        this.server = server;
        this.logDirectory = logDirectory;
        this.temporary = temporary;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a broker on free ports with its data in a temporary directory that {@link #close()} deletes. */
    public static EmbeddedKafkaBroker startTemporary() {
        return start(Directories.createTemporary("usersync-kafka-"), 0, true);
    }

    /**
     * Starts a temporary broker whose client listener ({@link #bootstrapServers()}) is SASL_PLAINTEXT with the
     * PLAIN mechanism and knows one user. Inter-broker and controller traffic stay PLAINTEXT on listeners of
     * their own, which clients are never told about.
     */
    public static EmbeddedKafkaBroker startTemporaryWithSaslPlain(String user, String password) {
        Path logDirectory = Directories.createTemporary("usersync-kafka-sasl-");
        int clientPort = FreePorts.next();
        int internalPort = FreePorts.next();
        KafkaQuorum alone = KafkaQuorum.alone(internalPort);
        int controllerPort = alone.node(1).controllerPort();
        Properties props = brokerProperties(logDirectory, alone, 1);
        props.putAll(Map.of(
                "listeners", "CLIENT://127.0.0.1:" + clientPort + ",PLAINTEXT://127.0.0.1:" + internalPort
                        + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners", "CLIENT://127.0.0.1:" + clientPort + ",PLAINTEXT://127.0.0.1:" + internalPort,
                "listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "listener.name.client.sasl.enabled.mechanisms", "PLAIN",
                "listener.name.client.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + user + "=\"" + password + "\";"));
        return start(logDirectory, props, alone.clusterId(), "127.0.0.1:" + clientPort, "127.0.0.1:" + internalPort, true);
    }

    /**
     * Starts node {@code nodeId} of {@code quorum}, its data surviving restarts in {@code logDirectory}. Returns once
     * it serves clients, which needs a majority of the quorum's nodes up: start the others at the same time, in
     * processes of their own. Every topic gets the quorum's replication factor and min.insync.replicas, the internal
     * ones included.
     */
    public static EmbeddedKafkaBroker startNode(Path logDirectory, KafkaQuorum quorum, int nodeId) {
        String address = "127.0.0.1:" + quorum.node(nodeId).clientPort();
        return start(logDirectory, brokerProperties(logDirectory, quorum, nodeId), quorum.clusterId(), address, address, false);
    }

    /**
     * Starts a broker whose data survive restarts in {@code logDirectory}.
     *
     * @param port the client port, or 0 for any free port
     */
    public static EmbeddedKafkaBroker start(Path logDirectory, int port) {
        return start(logDirectory, port, false);
    }

    private static EmbeddedKafkaBroker start(Path logDirectory, int port, boolean temporary) {
        KafkaQuorum alone = KafkaQuorum.alone(port == 0 ? FreePorts.next() : port);
        String bootstrap = alone.bootstrapServers();
        return start(logDirectory, brokerProperties(logDirectory, alone, 1), alone.clusterId(), bootstrap, bootstrap, temporary);
    }

    /**
     * @param clusterId        the id to format new storage with; storage formatted before keeps its own
     * @param readinessAddress a PLAINTEXT listener to wait on until the broker serves requests
     */
    private static EmbeddedKafkaBroker start(Path logDirectory, Properties props, String clusterId, String bootstrap,
            String readinessAddress, boolean temporary) {
        format(logDirectory, props, clusterId);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, logDirectory, temporary, bootstrap);
        broker.awaitReady(readinessAddress);
        log.info("Embedded Kafka broker listening on {} (data in {})", bootstrap, logDirectory);
        return broker;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (temporary) {
            Directories.deleteRecursively(logDirectory);
        }
    }

    private static Properties brokerProperties(Path logDirectory, KafkaQuorum quorum, int nodeId) {
        int clientPort = quorum.node(nodeId).clientPort();
        int controllerPort = quorum.node(nodeId).controllerPort();
        String replicas = Integer.toString(quorum.replicationFactor());
        String minIsr = Integer.toString(quorum.minInSyncReplicas());
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", Integer.toString(nodeId)),
                Map.entry("controller.quorum.voters", quorum.voters()),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", logDirectory.toAbsolutePath().toString()),
                // Topics created with the broker's default replication factor (usersync's, Kafka Streams' internal
                // ones) and the internal topics get the quorum's: one replica on a single node.
                Map.entry("default.replication.factor", replicas),
                Map.entry("min.insync.replicas", minIsr),
                Map.entry("offsets.topic.replication.factor", replicas),
                Map.entry("offsets.topic.num.partitions", "10"),
                Map.entry("transaction.state.log.replication.factor", replicas),
                Map.entry("transaction.state.log.min.isr", minIsr),
                Map.entry("transaction.state.log.num.partitions", "10"),
                Map.entry("share.coordinator.state.topic.replication.factor", replicas),
                Map.entry("share.coordinator.state.topic.min.isr", minIsr),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // After a kill -9 the controller, restarted with the broker, counts the dead incarnation's
                // registration as alive until its session times out and refuses the new one until then: 9 s by
                // default, the longest step of a restart. Broker and controller share this process, so heartbeats
                // never cross a network; but on two busy cores a 1.5 s session fenced the broker now and then.
                // In a quorum it also bounds how long a dead node stays leader of its partitions: once fenced, it
                // leaves every ISR and leadership moves to the replicas in sync.
                Map.entry("broker.session.timeout.ms", "3000"),
                Map.entry("broker.heartbeat.interval.ms", "500"),
                // How often the cleaner looks for a log to compact and the broker for segments past their
                // retention (15 s and 5 minutes by default): what USERSYNC_ERASURE_BOUND leaves to the broker. Both
                // look at in-memory state only.
                Map.entry("log.cleaner.backoff.ms", "1000"),
                Map.entry("log.retention.check.interval.ms", "5000"),
                // The first retention check 5 s after a start, not Kafka's 30: the broker starts with every restart
                // of the process.
                Map.entry("log.initial.task.delay.ms", "5000"),
                // The log cleaner takes its whole dedupe buffer from the heap when it starts: 128 MB by
                // default, half of a small process's heap. 8 MB cleans about 350,000 keys per pass.
                Map.entry("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024)),
                // Kafka's thread counts size a dedicated server (8 request handlers, 3 network threads, 10
                // background threads); in-process the broker shares the pipeline's cores and memory.
                Map.entry("num.io.threads", "2"),
                Map.entry("num.network.threads", "2"),
                Map.entry("background.threads", "2"),
                Map.entry("group.coordinator.threads", "1"),
                Map.entry("auto.create.topics.enable", "false")));
        return props;
    }

    /** Formats the storage once; a directory formatted before keeps its cluster id and its data. */
    private static void format(Path logDirectory, Properties props, String clusterId) {
        if (Files.exists(logDirectory.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(logDirectory);
            Path config = logDirectory.resolve("server.properties");
            try (Writer writer = Files.newBufferedWriter(config)) {
                props.store(writer, "usersync embedded broker");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int code = StorageTool.execute(new String[] {
                    "format", "-t", clusterId, "-c", config.toString()},
                    new PrintStream(output, true, StandardCharsets.UTF_8));
            if (code != 0) {
                throw new IllegalStateException("formatting Kafka storage in " + logDirectory + " failed: "
                        + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka storage in " + logDirectory, e);
        }
    }

    private void awaitReady(String readinessAddress) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, readinessAddress))) {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the embedded broker", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("embedded Kafka broker did not become ready on " + bootstrapServers, e);
        }
    }
}
