package io.usersync.app.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

import io.usersync.app.run.ScratchDirectory;
import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.migration.Migrations;

/**
 * A deployment of separate processes on this host: PostgreSQL (the embedded binaries' postmaster, a process of its
 * own), a Kafka cluster of one or more brokers, each in a JVM of its own, and usersync instances, each a
 * {@code usersync run} JVM with the stages it is given, its own data directory and ops port. Everything lives under one scratch directory (in the user's cache
 * folder, not the OS temp folder, where Kafka Streams warns of a state directory); logs go to {@code logDirectory}.
 */
public final class Deployment implements AutoCloseable {

    private final ScratchDirectory root;
    private final Path logDirectory;
    private final EmbeddedPostgresServer postgres;
    private final KafkaCluster kafka;
    private final Map<String, String> common;
    private final List<UsersyncProcess> instances = new ArrayList<>();

    private Deployment(ScratchDirectory root, Path logDirectory, EmbeddedPostgresServer postgres, KafkaCluster kafka,
            Map<String, String> common) {
        this.root = root;
        this.logDirectory = logDirectory;
        this.postgres = postgres;
        this.kafka = kafka;
        this.common = common;
    }

    /**
     * Starts PostgreSQL with the dev auth schema and the pipeline's migrations (as {@code usersync migrate
     * --dev-auth-schema}) and one broker; no instance yet.
     *
     * @param settings every instance's settings besides the servers', e.g. {@code USERSYNC_PARTITIONS}
     */
    public static Deployment start(Path logDirectory, Map<String, String> settings) throws Exception {
        return start(logDirectory, 1, settings);
    }

    /** As {@link #start(Path, Map)}, with a cluster of {@code brokers} nodes ({@link KafkaCluster}). */
    public static Deployment start(Path logDirectory, int brokers, Map<String, String> settings) throws Exception {
        ScratchDirectory root = ScratchDirectory.givenOrTemporary(null, "deployment-");
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(root.path().resolve("postgres"), 0);
        String url = postgres.jdbcUrl("postgres");
        Migrations migrations = new Migrations(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
        migrations.applyDevAuthSchema();
        migrations.applyPipeline();
        KafkaCluster kafka = KafkaCluster.start(root.path().resolve("kafka"), logDirectory, brokers);
        Map<String, String> common = new HashMap<>(settings);
        common.put("USERSYNC_DB_URL", url);
        common.put("USERSYNC_DB_USER", EmbeddedPostgresServer.USER);
        common.put("USERSYNC_DB_PASSWORD", EmbeddedPostgresServer.PASSWORD);
        common.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        return new Deployment(root, logDirectory, postgres, kafka, Map.copyOf(common));
    }

    /** Starts an instance running {@code stages} (as USERSYNC_STAGES takes them), with its own data directory. */
    public UsersyncProcess startInstance(String name, String stages) throws IOException {
        return startInstance(name, stages, Map.of());
    }

    /** As {@link #startInstance(String, String)}, with settings of its own on top of every instance's. */
    public UsersyncProcess startInstance(String name, String stages, Map<String, String> settings) throws IOException {
        Map<String, String> environment = new HashMap<>(common);
        environment.putAll(settings);
        environment.put("USERSYNC_STAGES", stages);
        UsersyncProcess instance = new UsersyncProcess(name, environment, root.path().resolve(name), logDirectory);
        instances.add(instance);
        return instance.start();
    }

    public EmbeddedPostgresServer postgres() {
        return postgres;
    }

    public KafkaCluster kafka() {
        return kafka;
    }

    /** The postmaster's process id, from its pid file; its backends are its children. */
    public long postgresPid() throws IOException {
        return Long.parseLong(Files.readAllLines(root.path().resolve("postgres").resolve("postmaster.pid")).get(0).trim());
    }

    public DataSource database() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(postgres.jdbcUrl("postgres"));
        dataSource.setUser(EmbeddedPostgresServer.USER);
        dataSource.setPassword(EmbeddedPostgresServer.PASSWORD);
        return dataSource;
    }

    public Connection connect() throws SQLException {
        return database().getConnection();
    }

    /** Instances first (the capture stage's clean stop needs PostgreSQL and the broker), then the servers. */
    @Override
    public void close() throws Exception {
        Processes.closeAll(instances);
        kafka.close();
        postgres.close();
        root.close();
    }
}
