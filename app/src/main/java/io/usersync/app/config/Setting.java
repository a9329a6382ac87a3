package io.usersync.app.config;

import java.time.Duration;
import java.util.Locale;

import io.usersync.app.deadletter.AlertAggregator;
import io.usersync.app.deadletter.Redrive;
import io.usersync.app.deadletter.WebhookNotifier;
import io.usersync.app.ownership.ProfileFieldsPolicy;
import io.usersync.app.reconcile.Reconciler;
import io.usersync.capture.CaptureConfig;
import io.usersync.processor.ProcessorConfig;
import io.usersync.schemas.ErasureBound;
import io.usersync.schemas.database.ProfileTable;
import io.usersync.sink.SinkConfig;

/**
 * Every environment variable usersync reads, with its default and what it is for. The configuration table in
 * docs/configuration.md and docker-compose use exactly these. A default a stage's config also knows is that
 * config's constant, written here as the variable takes it; the others live only here.
 */
public enum Setting {
    DB_URL("USERSYNC_DB_URL", null, false,
            "JDBC URL of the database with auth.users and public.users; unset: embedded PostgreSQL"),
    DB_USER("USERSYNC_DB_USER", "postgres", false, "database user (needs REPLICATION for capture)"),
    DB_PASSWORD("USERSYNC_DB_PASSWORD", "", true, "database password"),
    TABLE("USERSYNC_TABLE", ProfileTable.DEFAULT.qualified(), false,
            "the profile table the pipeline keeps in step, schema.table; another than public.users is the app's own,"
                    + " which migrate adopts (needs USERSYNC_DB_URL)"),
    KAFKA_BOOTSTRAP_SERVERS("KAFKA_BOOTSTRAP_SERVERS", null, false,
            "Kafka bootstrap servers; unset: an in-process Kafka broker"),
    HTTP_PORT("USERSYNC_HTTP_PORT", Defaults.HTTP_PORT, false, "port of /health, /metrics and /sync; 0 for any free port"),
    JWT_SECRET("USERSYNC_JWT_SECRET", null, true, "the project's JWT secret, for HS256 tokens on /sync"),
    JWKS_URL("USERSYNC_JWKS_URL", null, false, "JWKS URL for RS256/ES256 tokens on /sync"),
    JWT_ROLE("USERSYNC_JWT_ROLE", "service_role", false, "the role claim /sync requires"),
    HTTP_BIND("USERSYNC_HTTP_BIND", "127.0.0.1", false,
            "address of /health, /metrics and /sync; 0.0.0.0 for every interface (the container image sets it)"),
    HTTP_READ_TIMEOUT_MS("USERSYNC_HTTP_READ_TIMEOUT_MS", "10000", false,
            "a connection whose request head or body stalls this long is closed"),
    HTTP_MAX_CONCURRENT_SYNCS("USERSYNC_HTTP_MAX_CONCURRENT_SYNCS", "4", false,
            "/sync requests served at once; more get 503 with Retry-After (health is never limited by it)"),
    JWT_ISSUER("USERSYNC_JWT_ISSUER", null, false,
            "iss claim /sync requires, e.g. https://<project>.supabase.co/auth/v1; unset: not checked"),
    JWT_AUDIENCE("USERSYNC_JWT_AUDIENCE", null, false,
            "aud claim /sync requires, e.g. authenticated; unset: not checked"),
    DATA_DIR("USERSYNC_DATA_DIR", Defaults.DATA_DIR, false, "embedded servers' data and Kafka Streams state"),
    INSTANCE_ID("USERSYNC_INSTANCE_ID", null, false,
            "this instance's id, stable across its restarts (static membership of the processor's and sink's groups);"
                    + " unset: made once and kept in USERSYNC_DATA_DIR/instance-id"),
    STAGES("USERSYNC_STAGES", "capture,process,sink", false, "stages this process runs"),
    PARTITIONS("USERSYNC_PARTITIONS", null, false,
            "partitions of the pipeline's topics; unset: 1 with the in-process broker (one process), 6 otherwise"),
    ERASURE_BOUND("USERSYNC_ERASURE_BOUND", ErasureBound.DEFAULT.bound().toHours() + "h", false,
            "how long a deleted user's email, name, avatar and metadata may stay in the pipeline's topics (10s to 30 days,"
                    + " like 24h): the settings of the topics usersync creates or finds; the events topic keeps half of it"),
    SLOT_NAME("USERSYNC_SLOT_NAME", CaptureConfig.DEFAULT_SLOT, false, "logical replication slot"),
    PUBLICATION("USERSYNC_PUBLICATION", CaptureConfig.DEFAULT_PUBLICATION, false, "publication on auth.users"),
    CAPTURE_POLL_INTERVAL_MS("USERSYNC_CAPTURE_POLL_INTERVAL_MS", millis(CaptureConfig.DEFAULT_POLL_INTERVAL), false,
            "how long capture waits to fill a batch: the longest a change waits in capture"),
    PROCESSOR_APPLICATION_ID("USERSYNC_PROCESSOR_APPLICATION_ID", ProcessorConfig.DEFAULT_APPLICATION_ID, false,
            "Kafka Streams application id"),
    PROCESSOR_GUARANTEE("USERSYNC_PROCESSOR_GUARANTEE",
            ProcessorConfig.DEFAULT_GUARANTEE.name().toLowerCase(Locale.ROOT), false,
            "at_least_once: outputs leave at once, events may repeat after a crash; exactly_once: outputs become"
                    + " visible at each commit, events never repeat; public.users gets each change once either way"),
    PROCESSOR_COMMIT_INTERVAL_MS("USERSYNC_PROCESSOR_COMMIT_INTERVAL_MS", null, false,
            "how often the processor commits; unset: "
                    + ProcessorConfig.Guarantee.AT_LEAST_ONCE.defaultCommitInterval().toMillis() + " at least once (what a"
                    + " crash reads again), " + ProcessorConfig.Guarantee.EXACTLY_ONCE.defaultCommitInterval().toMillis()
                    + " exactly once (it bounds latency)"),
    KEEP_RELEASED_USERNAMES("USERSYNC_KEEP_RELEASED_USERNAMES",
            Boolean.toString(ProcessorConfig.DEFAULT_KEEP_RELEASED_USERNAMES), false,
            "true: a deleted user's username is never handed out again"),
    SINK_GROUP_ID("USERSYNC_SINK_GROUP_ID", SinkConfig.DEFAULT_GROUP_ID, false, "sink consumer group"),
    SINK_BATCH_SIZE("USERSYNC_SINK_BATCH_SIZE", Integer.toString(SinkConfig.DEFAULT_BATCH_SIZE), false,
            "rows per sink transaction at most"),
    SINK_BATCH_AGE_MS("USERSYNC_SINK_BATCH_AGE_MS", millis(SinkConfig.DEFAULT_BATCH_AGE), false,
            "longest a profile waits in the sink's buffer for more; 0: write what each poll returns at once"),
    SINK_DELETE_MODE("USERSYNC_SINK_DELETE_MODE",
            SinkConfig.DEFAULT_DELETE_MODE.name().toLowerCase(Locale.ROOT), false,
            "hard: delete the row; soft: keep it with deleted_at set and personal data cleared"),
    PROFILE_FIELDS("USERSYNC_PROFILE_FIELDS", ProfileFieldsPolicy.EDITABLE.value(), false,
            "editable: username, full_name and avatar_url follow the provider until the app writes them, then are the"
                    + " app's; from-auth: auth.users owns every field and users may not update them. migrate applies it;"
                    + " run refuses a database that holds the other"),
    SINK_RETRY_INITIAL_MS("USERSYNC_SINK_RETRY_INITIAL_MS", millis(SinkConfig.DEFAULT_RETRY_BACKOFF), false,
            "the sink's first wait after a transient database failure; each next wait doubles"),
    SINK_RETRY_MAX_MS("USERSYNC_SINK_RETRY_MAX_MS", millis(SinkConfig.DEFAULT_MAX_RETRY_BACKOFF), false,
            "the sink's longest wait between two attempts; at least USERSYNC_SINK_RETRY_INITIAL_MS"),
    SINK_RETRY_JITTER("USERSYNC_SINK_RETRY_JITTER", Double.toString(SinkConfig.DEFAULT_RETRY_JITTER), false,
            "0 to 1: each wait is drawn from [w * (1 - jitter), w]; 0 waits exactly w, so sinks retry in step"),
    SINK_USERNAME_WAIT_MS("USERSYNC_SINK_USERNAME_WAIT_MS", millis(SinkConfig.DEFAULT_USERNAME_WAIT), false,
            "how long a profile refused for a username another row holds waits (its partition held back) for that row's"
                    + " own change to free it, before it is dead-lettered"),
    ALERT_WEBHOOK_URL("USERSYNC_ALERT_WEBHOOK_URL", null, true,
            "Slack-compatible webhook the alerts command posts dead-letter alerts to"),
    ALERT_WINDOW_S("USERSYNC_ALERT_WINDOW_S", "60", false, "alerts aggregate dead letters per stage and reason this long"),
    ALERT_MIN_DEAD_LETTERS("USERSYNC_ALERT_MIN_DEAD_LETTERS", Integer.toString(AlertAggregator.DEFAULT_MIN_DEAD_LETTERS),
            false, "a stage and reason is alerted only when a window holds at least this many dead letters"),
    ALERT_WEBHOOK_ATTEMPTS("USERSYNC_ALERT_WEBHOOK_ATTEMPTS", Integer.toString(WebhookNotifier.DEFAULT_ATTEMPTS), false,
            "webhook attempts per alert (backoff from 1 s, doubling) before it is dropped and logged"),
    DLT_MAX_REDRIVES("USERSYNC_DLT_MAX_REDRIVES", Integer.toString(Redrive.DEFAULT_MAX_REDRIVES), false,
            "dlt redrive refuses a dead letter already redriven this many times (its attempt header)"),
    LOG_FORMAT("USERSYNC_LOG_FORMAT", "plain", false,
            "plain: a line of text per event; json: a JSON object per line, with stage, topic, partition, offset and"
                    + " user_id as fields where a line has them"),
    RECONCILE_INTERVAL_S("USERSYNC_RECONCILE_INTERVAL_S", "600", false,
            "seconds between reconciles inside run (with the sink stage); 0 turns them off"),
    RECONCILE_GRACE_S("USERSYNC_RECONCILE_GRACE_S", Long.toString(Reconciler.DEFAULT_GRACE_SECONDS), false,
            "changes younger than this are in flight, not drift"),
    EMBEDDED_DB_PORT("USERSYNC_EMBEDDED_DB_PORT", "0", false, "port of the embedded PostgreSQL; 0 for any free port"),
    EMBEDDED_KAFKA_PORT("USERSYNC_EMBEDDED_KAFKA_PORT", "0", false, "port of the embedded Kafka broker; 0 for any free port");

    private final String variable;
    private final String defaultValue;
    private final boolean secret;
    private final String description;

    Setting(String variable, String defaultValue, boolean secret, String description) {
        this.variable = variable;
        this.defaultValue = defaultValue;
        this.secret = secret;
        this.description = description;
    }

    public String variable() {
        return variable;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public boolean secret() {
        return secret;
    }

    public String description() {
        return description;
    }

    /** Defaults the flags' help repeats: constants, so an annotation can name them. */
    static final class Defaults {
        static final String HTTP_PORT = "8080";
        static final String DATA_DIR = "./.usersync";

        private Defaults() {
        }
    }

    private static String millis(Duration duration) {
        return Long.toString(duration.toMillis());
    }
}
