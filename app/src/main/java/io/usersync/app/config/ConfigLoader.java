package io.usersync.app.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.usersync.app.config.AppConfig.Stage;
import io.usersync.app.logging.LogFormat;
import io.usersync.app.ownership.ProfileFieldsPolicy;
import io.usersync.capture.DebeziumSettings;
import io.usersync.schemas.ErasureBound;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.database.ProfileTable;
import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.processor.ProcessorConfig;
import io.usersync.processor.ProcessorConfig.Guarantee;
import io.usersync.sink.SinkConfig.DeleteMode;
import io.usersync.sink.SinkConfig;

/**
 * Reads {@link Setting}s from the environment, with command-line values taking precedence, checks them
 * all and reports every problem at once, each naming its variable and what would be right. Every other
 * {@code KAFKA_*} variable is a Kafka client property ({@link KafkaClientVariables}), every
 * {@code USERSYNC_CAPTURE_DEBEZIUM_*} one a property of capture's connector ({@link DebeziumVariables}).
 */
public final class ConfigLoader {

    private final Map<String, String> environment;
    private final Map<String, String> overrides;
    private final SettingValues values;
    private final List<String> problems;

    private ConfigLoader(Map<String, String> environment, Map<String, String> overrides) {
        this.environment = environment;
        this.overrides = overrides;
        this.values = new SettingValues(environment, overrides);
        this.problems = values.problems();
    }

    /**
     * @param environment the process environment
     * @param overrides   values given as flags, keyed by variable name; they win over the environment
     */
    public static AppConfig load(Map<String, String> environment, Map<String, String> overrides) {
        return new ConfigLoader(environment, overrides).load();
    }

    private AppConfig load() {
        overrides.keySet().stream()
                .filter(name -> Arrays.stream(Setting.values()).noneMatch(s -> s.variable().equals(name)))
                .filter(name -> !KafkaClientSettings.isClientVariable(name))
                .filter(name -> !DebeziumSettings.isVariable(name))
                .forEach(name -> problems.add(name + " is not a usersync setting. Fix: see docs/configuration.md."));
        Optional<String> dbUrl = values.optional(Setting.DB_URL);
        dbUrl.filter(url -> !url.startsWith("jdbc:postgresql://")).ifPresent(url -> problems.add(Setting.DB_URL.variable()
                + " must be a PostgreSQL JDBC URL like jdbc:postgresql://host:5432/postgres; got '"
                + DatabaseSettings.masked(url) + "'."));
        Optional<String> bootstrapServers = values.optional(Setting.KAFKA_BOOTSTRAP_SERVERS);
        KafkaClientSettings kafka = KafkaClientVariables.read(environment, overrides, bootstrapServers, problems);
        Optional<String> jwtSecret = values.optional(Setting.JWT_SECRET);
        jwtSecret.filter(secret -> secret.length() < 32).ifPresent(secret -> problems.add(Setting.JWT_SECRET.variable()
                + " must be at least 32 characters (HS256 needs a 256-bit key); use the project's JWT secret."));
        String dbUser = values.text(Setting.DB_USER);
        String dbPassword = values.text(Setting.DB_PASSWORD);
        int httpPort = values.port(Setting.HTTP_PORT);
        Optional<URI> jwksUrl = values.optional(Setting.JWKS_URL).flatMap(url -> values.httpUri(Setting.JWKS_URL, url));
        String jwtRole = values.text(Setting.JWT_ROLE);
        AppConfig.Http http = new AppConfig.Http(httpPort, opsHttp(), jwtSecret, jwksUrl, jwtRole);
        Path dataDir = values.path(Setting.DATA_DIR);
        Set<Stage> stages = stages();
        int partitions = partitions(bootstrapServers.isEmpty());
        AppConfig.Capture capture = new AppConfig.Capture(values.identifier(Setting.SLOT_NAME), values.identifier(Setting.PUBLICATION),
                values.millis(Setting.CAPTURE_POLL_INTERVAL_MS), DebeziumVariables.read(environment, overrides, problems));
        AppConfig.Processor processor = processor();
        AppConfig.Sink sink = sink();
        AppConfig.Operations operations = new AppConfig.Operations(
                values.optional(Setting.ALERT_WEBHOOK_URL).flatMap(url -> values.httpUri(Setting.ALERT_WEBHOOK_URL, url)),
                values.seconds(Setting.ALERT_WINDOW_S), values.positive(Setting.ALERT_MIN_DEAD_LETTERS, 1_000_000),
                values.positive(Setting.ALERT_WEBHOOK_ATTEMPTS, 100), values.positive(Setting.DLT_MAX_REDRIVES, 1000),
                values.seconds(Setting.RECONCILE_INTERVAL_S), values.seconds(Setting.RECONCILE_GRACE_S));
        AppConfig.Instance instance = new AppConfig.Instance(dataDir, stages, partitions, values.port(Setting.EMBEDDED_DB_PORT),
                values.port(Setting.EMBEDDED_KAFKA_PORT), logFormat(), instanceId(), erasureBound());
        ProfileTable table = profileTable(dbUrl.isPresent());
        AppConfig config = new AppConfig(dbUrl.map(url -> new DatabaseSettings(url, dbUser, dbPassword, table)), kafka, http,
                instance, capture, processor, sink, operations, values.effective());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /**
     * The in-process broker serves one process, whose single stream thread runs every task: one partition
     * spares it the per-task overhead and keeps every username claim in the task that made it. A shared
     * cluster gets room to scale out, since a topic's partition count cannot shrink later.
     */
    private int partitions(boolean embeddedBroker) {
        if (values.optional(Setting.PARTITIONS).isEmpty()) {
            int partitions = embeddedBroker ? 1 : 6;
            values.effective().put(Setting.PARTITIONS, Integer.toString(partitions));
            return partitions;
        }
        return values.positive(Setting.PARTITIONS, 1000);
    }

    /** A Kafka group instance id is made of it, so it takes the characters Kafka allows there. */
    private Optional<String> instanceId() {
        Optional<String> value = values.optional(Setting.INSTANCE_ID);
        value.filter(id -> !id.matches("[A-Za-z0-9._-]{1,200}")).ifPresent(id -> problems.add(Setting.INSTANCE_ID.variable()
                + " takes 1 to 200 letters, digits, '.', '_' and '-'; got '" + id + "'."));
        return value;
    }

    private OpsHttp opsHttp() {
        String bind = values.text(Setting.HTTP_BIND);
        if (!bind.matches("[A-Za-z0-9.:%-]+")) {
            problems.add(Setting.HTTP_BIND.variable() + " must be an address or host name of this host, like 127.0.0.1, or"
                    + " 0.0.0.0 for every interface (in a container); got '" + bind + "'.");
        }
        Duration readTimeout = values.millis(Setting.HTTP_READ_TIMEOUT_MS);
        if (readTimeout.isZero()) {
            problems.add(Setting.HTTP_READ_TIMEOUT_MS.variable() + " must be at least 1 ms: a stalled client would hold"
                    + " its connection forever.");
        }
        return new OpsHttp(bind, readTimeout, values.positive(Setting.HTTP_MAX_CONCURRENT_SYNCS, 1000),
                values.optional(Setting.JWT_ISSUER), values.optional(Setting.JWT_AUDIENCE));
    }

    private Set<Stage> stages() {
        String value = values.raw(Setting.STAGES);
        Set<Stage> stages = EnumSet.noneOf(Stage.class);
        for (String name : value.split(",")) {
            try {
                stages.add(Stage.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                problems.add(Setting.STAGES.variable() + " takes capture, process and sink, comma-separated; got '"
                        + name.trim() + "'.");
            }
        }
        if (stages.isEmpty() && !values.hasProblem(Setting.STAGES)) {
            problems.add(Setting.STAGES.variable() + " names no stage; use capture,process,sink or a part of it.");
        }
        return stages;
    }

    private AppConfig.Sink sink() {
        Duration retryInitial = values.millis(Setting.SINK_RETRY_INITIAL_MS);
        Duration retryMax = values.millis(Setting.SINK_RETRY_MAX_MS);
        if (retryInitial.isZero() && !values.hasProblem(Setting.SINK_RETRY_INITIAL_MS)) {
            problems.add(Setting.SINK_RETRY_INITIAL_MS.variable() + " must be at least 1 ms: retrying at once would hammer"
                    + " a database that is down.");
            retryInitial = SinkConfig.DEFAULT_RETRY_BACKOFF;
        }
        if (retryMax.compareTo(retryInitial) < 0) {
            problems.add(Setting.SINK_RETRY_MAX_MS.variable() + " must be at least " + Setting.SINK_RETRY_INITIAL_MS.variable()
                    + " (" + retryInitial.toMillis() + " ms); got '" + retryMax.toMillis() + "'.");
            retryMax = retryInitial;
        }
        return new AppConfig.Sink(values.text(Setting.SINK_GROUP_ID), values.positive(Setting.SINK_BATCH_SIZE, 100_000),
                values.millis(Setting.SINK_BATCH_AGE_MS), deleteMode(), retryInitial, retryMax, values.fraction(Setting.SINK_RETRY_JITTER),
                values.millis(Setting.SINK_USERNAME_WAIT_MS), profileFields());
    }

    /** The embedded database is usersync's own, with its own public.users: another table is an app's, in the app's database. */
    private ProfileTable profileTable(boolean externalDatabase) {
        String value = values.raw(Setting.TABLE);
        ProfileTable table;
        try {
            table = ProfileTable.parse(value);
        } catch (IllegalArgumentException e) {
            problems.add(Setting.TABLE.variable() + " must be schema.table in lower-case letters, digits and '_', like"
                    + " public.profiles; got '" + value + "'.");
            return ProfileTable.DEFAULT;
        }
        if (!table.isDefault() && !externalDatabase) {
            problems.add(Setting.TABLE.variable() + "=" + table + " needs " + Setting.DB_URL.variable() + ": the embedded"
                    + " database has usersync's own public.users. Fix: point " + Setting.DB_URL.variable() + " at the app's"
                    + " database, or unset " + Setting.TABLE.variable() + ".");
        }
        return table;
    }

    private ProfileFieldsPolicy profileFields() {
        String value = values.raw(Setting.PROFILE_FIELDS);
        return ProfileFieldsPolicy.parse(value).orElseGet(() -> {
            problems.add(Setting.PROFILE_FIELDS.variable() + " must be editable or from-auth; got '" + value + "'. Fix: unset"
                    + " it to let users edit their username, full_name and avatar_url, or set from-auth to have auth.users own"
                    + " every field.");
            return ProfileFieldsPolicy.EDITABLE;
        });
    }

    private AppConfig.Processor processor() {
        String value = values.raw(Setting.PROCESSOR_GUARANTEE);
        Guarantee guarantee;
        try {
            guarantee = Guarantee.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(Setting.PROCESSOR_GUARANTEE.variable() + " must be at_least_once or exactly_once; got '" + value
                    + "'.");
            guarantee = ProcessorConfig.DEFAULT_GUARANTEE;
        }
        Duration commitInterval;
        if (values.optional(Setting.PROCESSOR_COMMIT_INTERVAL_MS).isPresent()) {
            commitInterval = values.millis(Setting.PROCESSOR_COMMIT_INTERVAL_MS);
        } else {
            commitInterval = guarantee.defaultCommitInterval();
            values.effective().put(Setting.PROCESSOR_COMMIT_INTERVAL_MS, Long.toString(commitInterval.toMillis()));
        }
        return new AppConfig.Processor(values.text(Setting.PROCESSOR_APPLICATION_ID), guarantee, commitInterval,
                values.bool(Setting.KEEP_RELEASED_USERNAMES));
    }

    private ErasureBound erasureBound() {
        String value = values.raw(Setting.ERASURE_BOUND);
        try {
            return new ErasureBound(Durations.parse(value));
        } catch (IllegalArgumentException e) {
            problems.add(Setting.ERASURE_BOUND.variable() + " must be a duration from " + ErasureBound.MINIMUM.toSeconds()
                    + "s to " + ErasureBound.MAXIMUM.toDays() + " days, like 24h or 90m; got '" + value + "'. Fix: unset it"
                    + " for " + Setting.ERASURE_BOUND.defaultValue() + ", or name how long a deleted user's data may stay in"
                    + " the topics.");
            return ErasureBound.DEFAULT;
        }
    }

    private LogFormat logFormat() {
        String value = values.raw(Setting.LOG_FORMAT);
        try {
            return LogFormat.parse(value);
        } catch (IllegalArgumentException e) {
            problems.add(Setting.LOG_FORMAT.variable() + " must be plain or json; got '" + value + "'. Fix: unset it for"
                    + " lines of text, or set it to json for one JSON object per line.");
            return LogFormat.PLAIN;
        }
    }

    private DeleteMode deleteMode() {
        String value = values.raw(Setting.SINK_DELETE_MODE);
        try {
            return DeleteMode.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(Setting.SINK_DELETE_MODE.variable() + " must be hard or soft; got '" + value + "'.");
            return SinkConfig.DEFAULT_DELETE_MODE;
        }
    }
}
