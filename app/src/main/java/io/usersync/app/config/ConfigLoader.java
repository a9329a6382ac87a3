package io.usersync.app.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.usersync.app.config.AppConfig.Stage;
import io.usersync.app.logging.LogFormat;
import io.usersync.capture.DebeziumSettings;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.kafka.KafkaClientSettings;
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
    private final List<String> problems = new ArrayList<>();
    private final Map<Setting, String> effective = new EnumMap<>(Setting.class);

    private ConfigLoader(Map<String, String> environment, Map<String, String> overrides) {
        this.environment = environment;
        this.overrides = overrides;
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
                .forEach(name -> problems.add(name + " is not a usersync setting. Fix: see the configuration table in README.md."));
        Optional<String> dbUrl = optional(Setting.DB_URL);
        dbUrl.filter(url -> !url.startsWith("jdbc:postgresql://")).ifPresent(url -> problems.add(Setting.DB_URL.variable()
                + " must be a PostgreSQL JDBC URL like jdbc:postgresql://host:5432/postgres; got '"
                + DatabaseSettings.masked(url) + "'."));
        Optional<String> bootstrapServers = optional(Setting.KAFKA_BOOTSTRAP_SERVERS);
        KafkaClientSettings kafka = KafkaClientVariables.read(environment, overrides, bootstrapServers, problems);
        Optional<String> jwtSecret = optional(Setting.JWT_SECRET);
        jwtSecret.filter(secret -> secret.length() < 32).ifPresent(secret -> problems.add(Setting.JWT_SECRET.variable()
                + " must be at least 32 characters (HS256 needs a 256-bit key); use the project's JWT secret."));
        String dbUser = text(Setting.DB_USER);
        String dbPassword = text(Setting.DB_PASSWORD);
        int httpPort = port(Setting.HTTP_PORT);
        Optional<URI> jwksUrl = optional(Setting.JWKS_URL).flatMap(url -> httpUri(Setting.JWKS_URL, url));
        String jwtRole = text(Setting.JWT_ROLE);
        AppConfig.Http http = new AppConfig.Http(httpPort, opsHttp(), jwtSecret, jwksUrl, jwtRole);
        Path dataDir = path(Setting.DATA_DIR);
        Set<Stage> stages = stages();
        int partitions = partitions(bootstrapServers.isEmpty());
        AppConfig.Capture capture = new AppConfig.Capture(identifier(Setting.SLOT_NAME), identifier(Setting.PUBLICATION),
                millis(Setting.CAPTURE_POLL_INTERVAL_MS), DebeziumVariables.read(environment, overrides, problems));
        AppConfig.Processor processor = new AppConfig.Processor(text(Setting.PROCESSOR_APPLICATION_ID),
                millis(Setting.PROCESSOR_COMMIT_INTERVAL_MS), bool(Setting.KEEP_RELEASED_USERNAMES));
        AppConfig.Sink sink = sink();
        AppConfig.Operations operations = new AppConfig.Operations(
                optional(Setting.ALERT_WEBHOOK_URL).flatMap(url -> httpUri(Setting.ALERT_WEBHOOK_URL, url)),
                seconds(Setting.ALERT_WINDOW_S), positive(Setting.ALERT_MIN_DEAD_LETTERS, 1_000_000),
                positive(Setting.ALERT_WEBHOOK_ATTEMPTS, 100), positive(Setting.DLT_MAX_REDRIVES, 1000),
                seconds(Setting.RECONCILE_INTERVAL_S), seconds(Setting.RECONCILE_GRACE_S));
        AppConfig.Instance instance = new AppConfig.Instance(dataDir, stages, partitions, port(Setting.EMBEDDED_DB_PORT),
                port(Setting.EMBEDDED_KAFKA_PORT), logFormat(), instanceId());
        AppConfig config = new AppConfig(dbUrl.map(url -> new DatabaseSettings(url, dbUser, dbPassword)), kafka, http,
                instance, capture, processor, sink, operations, effective);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private String raw(Setting setting) {
        String value = overrides.containsKey(setting.variable()) ? overrides.get(setting.variable())
                : environment.get(setting.variable());
        if (value == null || value.isBlank()) {
            value = setting.defaultValue();
        }
        effective.put(setting, value == null ? null : value.trim());
        return value == null ? null : value.trim();
    }

    private Optional<String> optional(Setting setting) {
        return Optional.ofNullable(raw(setting));
    }

    private String text(Setting setting) {
        String value = raw(setting);
        return value == null ? "" : value;
    }

    private int port(Setting setting) {
        String value = raw(setting);
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(setting.variable() + " must be a port from 0 to 65535; got '" + value + "'.");
        return 0;
    }

    private int positive(Setting setting, int max) {
        String value = raw(setting);
        try {
            int number = Integer.parseInt(value);
            if (number >= 1 && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(setting.variable() + " must be a whole number from 1 to " + max + "; got '" + value + "'.");
        return 1;
    }

    /**
     * The in-process broker serves one process, whose single stream thread runs every task: one partition
     * spares it the per-task overhead and keeps every username claim in the task that made it. A shared
     * cluster gets room to scale out, since a topic's partition count cannot shrink later.
     */
    private int partitions(boolean embeddedBroker) {
        if (optional(Setting.PARTITIONS).isEmpty()) {
            int partitions = embeddedBroker ? 1 : 6;
            effective.put(Setting.PARTITIONS, Integer.toString(partitions));
            return partitions;
        }
        return positive(Setting.PARTITIONS, 1000);
    }

    private Duration millis(Setting setting) {
        String value = raw(setting);
        try {
            long millis = Long.parseLong(value);
            if (millis >= 0) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(setting.variable() + " must be a number of milliseconds (0 or more); got '" + value + "'.");
        return Duration.ZERO;
    }

    private Duration seconds(Setting setting) {
        String value = raw(setting);
        try {
            long seconds = Long.parseLong(value);
            if (seconds >= 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(setting.variable() + " must be a number of seconds (0 or more); got '" + value + "'.");
        return Duration.ZERO;
    }

    private boolean bool(Setting setting) {
        String value = raw(setting).toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            problems.add(setting.variable() + " must be true or false; got '" + value + "'.");
        }
        return value.equals("true");
    }

    private String identifier(Setting setting) {
        String value = raw(setting);
        if (!value.matches("[a-z_][a-z0-9_]{0,62}")) {
            problems.add(setting.variable() + " must be a lower-case PostgreSQL identifier ([a-z_][a-z0-9_]*); got '"
                    + value + "'.");
        }
        return value;
    }

    /** A Kafka group instance id is made of it, so it takes the characters Kafka allows there. */
    private Optional<String> instanceId() {
        Optional<String> value = optional(Setting.INSTANCE_ID);
        value.filter(id -> !id.matches("[A-Za-z0-9._-]{1,200}")).ifPresent(id -> problems.add(Setting.INSTANCE_ID.variable()
                + " takes 1 to 200 letters, digits, '.', '_' and '-'; got '" + id + "'."));
        return value;
    }

    private Path path(Setting setting) {
        String value = raw(setting);
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            problems.add(setting.variable() + " must be a directory path; got '" + value + "'.");
            return Path.of(".");
        }
    }

    private Optional<URI> httpUri(Setting setting, String value) {
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(setting.variable() + " must be an http(s) URL" + (setting.secret() ? "." : "; got '" + value + "'."));
        return Optional.empty();
    }

    private OpsHttp opsHttp() {
        String bind = text(Setting.HTTP_BIND);
        if (!bind.matches("[A-Za-z0-9.:%-]+")) {
            problems.add(Setting.HTTP_BIND.variable() + " must be an address or host name of this host, like 127.0.0.1, or"
                    + " 0.0.0.0 for every interface (in a container); got '" + bind + "'.");
        }
        Duration readTimeout = millis(Setting.HTTP_READ_TIMEOUT_MS);
        if (readTimeout.isZero()) {
            problems.add(Setting.HTTP_READ_TIMEOUT_MS.variable() + " must be at least 1 ms: a stalled client would hold"
                    + " its connection forever.");
        }
        return new OpsHttp(bind, readTimeout, positive(Setting.HTTP_MAX_CONCURRENT_SYNCS, 1000),
                optional(Setting.JWT_ISSUER), optional(Setting.JWT_AUDIENCE));
    }

    private Set<Stage> stages() {
        String value = raw(Setting.STAGES);
        Set<Stage> stages = EnumSet.noneOf(Stage.class);
        for (String name : value.split(",")) {
            try {
                stages.add(Stage.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                problems.add(Setting.STAGES.variable() + " takes capture, process and sink, comma-separated; got '"
                        + name.trim() + "'.");
            }
        }
        if (stages.isEmpty() && problems.stream().noneMatch(p -> p.startsWith(Setting.STAGES.variable()))) {
            problems.add(Setting.STAGES.variable() + " names no stage; use capture,process,sink or a part of it.");
        }
        return stages;
    }

    private AppConfig.Sink sink() {
        Duration retryInitial = millis(Setting.SINK_RETRY_INITIAL_MS);
        Duration retryMax = millis(Setting.SINK_RETRY_MAX_MS);
        if (retryInitial.isZero() && problems.stream().noneMatch(p -> p.startsWith(Setting.SINK_RETRY_INITIAL_MS.variable()))) {
            problems.add(Setting.SINK_RETRY_INITIAL_MS.variable() + " must be at least 1 ms: retrying at once would hammer"
                    + " a database that is down.");
            retryInitial = SinkConfig.DEFAULT_RETRY_BACKOFF;
        }
        if (retryMax.compareTo(retryInitial) < 0) {
            problems.add(Setting.SINK_RETRY_MAX_MS.variable() + " must be at least " + Setting.SINK_RETRY_INITIAL_MS.variable()
                    + " (" + retryInitial.toMillis() + " ms); got '" + retryMax.toMillis() + "'.");
            retryMax = retryInitial;
        }
        return new AppConfig.Sink(text(Setting.SINK_GROUP_ID), positive(Setting.SINK_BATCH_SIZE, 100_000),
                millis(Setting.SINK_BATCH_AGE_MS), deleteMode(), retryInitial, retryMax, fraction(Setting.SINK_RETRY_JITTER));
    }

    private double fraction(Setting setting) {
        String value = raw(setting);
        try {
            double fraction = Double.parseDouble(value);
            if (fraction >= 0 && fraction <= 1) {
                return fraction;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(setting.variable() + " must be a number from 0 to 1, like 0.5; got '" + value + "'.");
        return Double.parseDouble(setting.defaultValue());
    }

    private LogFormat logFormat() {
        String value = raw(Setting.LOG_FORMAT);
        try {
            return LogFormat.parse(value);
        } catch (IllegalArgumentException e) {
            problems.add(Setting.LOG_FORMAT.variable() + " must be plain or json; got '" + value + "'. Fix: unset it for"
                    + " lines of text, or set it to json for one JSON object per line.");
            return LogFormat.PLAIN;
        }
    }

    private DeleteMode deleteMode() {
        String value = raw(Setting.SINK_DELETE_MODE);
        try {
            return DeleteMode.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(Setting.SINK_DELETE_MODE.variable() + " must be hard or soft; got '" + value + "'.");
            return SinkConfig.DEFAULT_DELETE_MODE;
        }
    }
}
