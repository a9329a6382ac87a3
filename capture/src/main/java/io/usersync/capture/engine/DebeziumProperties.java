package io.usersync.capture.engine;

import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.postgresql.Driver;

import io.usersync.capture.CaptureConfig;
import io.usersync.capture.CaptureConfig.OffsetStore;
import io.usersync.capture.DebeziumSettings;
import io.usersync.schemas.cdc.AuthUserRow;

/** Translates the capture config into the embedded Debezium PostgreSQL connector's properties. */
public final class DebeziumProperties {

    public static final String CAPTURED_TABLE = "auth.users";
    public static final String HEARTBEAT_TABLE = "usersync.capture_heartbeat";
    public static final String SIGNAL_TABLE = "usersync.capture_signal";
    /** The prefix of the logical decoding messages that announce a username set outside the pipeline (V6). */
    public static final String USERNAME_MESSAGE_PREFIX = "usersync.username";

    private static final long MAX_QUEUE_BYTES = 16L * 1024 * 1024;

    private DebeziumProperties() {
    }

    /** Debezium's destination for changes of {@code auth.users}; records for anything else are not published. */
    public static String capturedDestination(CaptureConfig config) {
        return config.slotName() + "." + CAPTURED_TABLE;
    }

    /** Debezium's destination for the rows of the profile table ({@code public.users}) in the initial snapshot. */
    public static String profileDestination(CaptureConfig config) {
        return config.slotName() + "." + profileTable(config);
    }

    private static String profileTable(CaptureConfig config) {
        return config.database().profileTable().qualified();
    }

    /** Debezium's destination for logical decoding messages. */
    public static String messageDestination(CaptureConfig config) {
        return config.slotName() + ".message";
    }

    /**
     * The captured tables: auth.users, the heartbeat, the signal table (Debezium must see its inserts in the
     * stream), and the profile table when reservations are captured. The {@link Publication} has all but
     * the profile table, so that one is read by the initial snapshot only.
     */
    public static String tables(CaptureConfig config) {
        return CAPTURED_TABLE + "," + HEARTBEAT_TABLE + "," + SIGNAL_TABLE
                + (config.reservationsTopic() != null ? "," + profileTable(config) : "");
    }

    /**
     * Of auth.users only the columns a profile is made of: secrets (password hashes, tokens) never reach
     * Kafka, and every change costs less to decode, convert and parse. Of the profile table only who holds which
     * username. The heartbeat and signal tables whole: Debezium reads signals from their columns.
     */
    static String columns(CaptureConfig config) {
        return Stream.of(
                        quote(CAPTURED_TABLE) + "\\.(" + String.join("|", AuthUserRow.columns()) + ")",
                        quote(profileTable(config)) + "\\.(id|username)",
                        quote(HEARTBEAT_TABLE) + "\\..+",
                        quote(SIGNAL_TABLE) + "\\..+")
                .collect(Collectors.joining(","));
    }

    private static String quote(String table) {
        return table.replace(".", "\\.");
    }

    public static Properties of(CaptureConfig config) {
        Properties url = Driver.parseURL(config.database().jdbcUrl(), null);
        if (url == null) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + config.database().jdbcUrl());
        }
        Properties props = new Properties();
        props.setProperty("name", "usersync-capture");
        props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        // The slot names the capture: Debezium scopes its offsets and metrics by this prefix.
        props.setProperty("topic.prefix", config.slotName());

        props.setProperty("database.hostname", url.getProperty("PGHOST"));
        props.setProperty("database.port", url.getProperty("PGPORT"));
        props.setProperty("database.dbname", url.getProperty("PGDBNAME"));
        props.setProperty("database.user", config.database().user());
        if (config.database().password() != null) {
            props.setProperty("database.password", config.database().password());
        }
        if (url.getProperty("sslmode") != null) {
            props.setProperty("database.sslmode", url.getProperty("sslmode"));
        }

        props.setProperty("plugin.name", "pgoutput");
        props.setProperty("slot.name", config.slotName());
        props.setProperty("publication.name", config.publicationName());
        // Capture keeps the publication itself (Publication), without public.users.
        props.setProperty("publication.autocreate.mode", "disabled");
        // The heartbeat table is captured too: its changes move the slot when auth.users is idle.
        props.setProperty("table.include.list", tables(config));
        props.setProperty("column.include.list", columns(config));
        if (config.reservationsTopic() != null) {
            props.setProperty("message.prefix.include.list", USERNAME_MESSAGE_PREFIX.replace(".", "\\."));
        } else {
            props.setProperty("message.prefix.exclude.list", ".*");
        }
        // A snapshot at the first start, and again whenever the stored position cannot be read any more: the slot
        // was dropped or lost in a failover while capture was down (CaptureStage says so). "initial" stops capture
        // for good there, and no later sign-up would ever be synced.
        props.setProperty("snapshot.mode", "when_needed");
        props.setProperty("tombstones.on.delete", "true");
        // Resyncs: a row in the signal table starts an incremental snapshot, read as "op":"r" changes.
        props.setProperty("signal.enabled.channels", "source");
        props.setProperty("signal.data.collection", SIGNAL_TABLE);
        props.setProperty("incremental.snapshot.chunk.size", "2048");

        props.setProperty("heartbeat.interval.ms", Long.toString(config.heartbeatInterval().toMillis()));
        props.setProperty("heartbeat.action.query", "insert into " + HEARTBEAT_TABLE + " (id, beat_at) values (1, now())"
                + " on conflict (id) do update set beat_at = excluded.beat_at");

        // Latency: the default 500 ms poll interval dominates commit-to-Kafka time.
        props.setProperty("poll.interval.ms", Long.toString(config.pollInterval().toMillis()));
        props.setProperty("max.batch.size", Integer.toString(config.maxBatchSize()));
        props.setProperty("max.queue.size", Integer.toString(config.maxBatchSize() * 4));
        // A snapshot fills the queue as fast as the database reads: bound it by bytes too, for a small heap.
        props.setProperty("max.queue.size.in.bytes", Long.toString(MAX_QUEUE_BYTES));
        // Debezium's quantile sketch of its lag behind the source, updated for every streamed change: a tenth of its
        // streaming thread at 500 sign-ups/s. usersync measures commit-to-row latency itself, and reads no statistic.
        props.setProperty("statistics.metrics.enabled", "false");

        // timestamptz printed as Debezium prints it, at a fraction of the cost (TimestampConverter).
        props.setProperty("converters", TimestampConverter.NAME);
        props.setProperty(TimestampConverter.NAME + ".type", TimestampConverter.class.getName());

        // After it lost the database (a restart of PostgreSQL, a failover) the connector waits this long before it
        // connects again, and again after each failed attempt: 10 s by default, a stall of 10 s after a restart that
        // took 2.
        props.setProperty("retriable.restart.connector.wait.ms", "2000");
        // A slot still read by its previous reader (the walsender of a capture killed a moment ago, until PostgreSQL
        // notices the dead connection) is asked for again every 0.5 s, within the same minute in all as Debezium's
        // 6 tries 10 s apart: one restart in nine after kill -9 found the slot held and waited the whole 10 s.
        props.setProperty("slot.retry.delay.ms", "500");
        props.setProperty("slot.max.retries", "120");

        props.setProperty("offset.flush.interval.ms", "1000");
        if (config.offsets() instanceof OffsetStore.KafkaTopic kafka) {
            props.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
            props.setProperty("offset.storage.topic", kafka.topic());
            props.setProperty("offset.storage.partitions", "1");
            props.setProperty("offset.storage.replication.factor", "-1");
            // Kafka Connect's offset store gives its producer, consumer and admin all of the engine's
            // properties: the client settings go in unprefixed. The connector's own keys win where the names
            // meet (heartbeat.interval.ms).
            config.kafka().properties().forEach(props::putIfAbsent);
        } else if (config.offsets() instanceof OffsetStore.File file) {
            props.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
            props.setProperty("offset.storage.file.filename", file.path().toAbsolutePath().toString());
        }
        passThrough(config.debezium(), props);
        return props;
    }

    /**
     * The operator's properties win over capture's tuning; DebeziumSettings refuses the ones capture owns. A larger
     * batch alone would fail Debezium's check that the queue is larger: the queue grows with it.
     */
    private static void passThrough(DebeziumSettings settings, Properties props) {
        settings.properties().forEach(props::setProperty);
        String batch = settings.properties().get("max.batch.size");
        if (batch != null && !settings.properties().containsKey("max.queue.size") && batch.matches("\\d{1,9}")) {
            props.setProperty("max.queue.size", Long.toString(Math.max(Long.parseLong(batch) * 4,
                    Long.parseLong(props.getProperty("max.queue.size")))));
        }
    }
}
