package io.usersync.app.run;

import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.app.config.AppConfig;
import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.migration.Migrations;

/**
 * The embedded default: a real PostgreSQL (with the dev auth schema and the migrations) when no database
 * is configured, a real Kafka broker when no cluster is; both keep their data under the data directory.
 */
public final class EmbeddedServers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServers.class);

    private final EmbeddedPostgresServer postgres;
    private final EmbeddedKafkaBroker kafka;
    private final AppConfig config;

    private EmbeddedServers(EmbeddedPostgresServer postgres, EmbeddedKafkaBroker kafka, AppConfig config) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.config = config;
    }

    /** Starts what the configuration leaves unset; returns the configuration pointed at them. */
    public static EmbeddedServers startMissing(AppConfig config) {
        AppConfig resolved = config;
        EmbeddedPostgresServer postgres = null;
        EmbeddedKafkaBroker kafka = null;
        if (config.database().isEmpty()) {
            postgres = EmbeddedPostgresServer.start(config.instance().dataDir().resolve("postgres"),
                    config.instance().embeddedDbPort());
            String url = postgres.jdbcUrl("postgres");
            Migrations migrations = new Migrations(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
            migrations.applyDevAuthSchema();
            migrations.applyPipeline();
            resolved = resolved.withDatabase(
                    new DatabaseSettings(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD));
            log.info("Embedded PostgreSQL: psql -h 127.0.0.1 -p {} -U {} postgres (JDBC {})", postgres.port(),
                    EmbeddedPostgresServer.USER, url);
        }
        if (config.kafkaBootstrapServers().isEmpty()) {
            Path kafkaData = config.instance().dataDir().resolve("kafka");
            kafka = EmbeddedKafkaBroker.start(kafkaData, config.instance().embeddedKafkaPort());
            resolved = resolved.withKafka(kafka.bootstrapServers());
            log.info("Embedded Kafka: --bootstrap-server {}", kafka.bootstrapServers());
        }
        return new EmbeddedServers(postgres, kafka, resolved);
    }

    /** The configuration with the embedded servers' addresses filled in. */
    public AppConfig config() {
        return config;
    }

    /** The embedded PostgreSQL, to stop and start it again (tests of outages). */
    public EmbeddedPostgresServer postgres() {
        return postgres;
    }

    @Override
    public void close() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
