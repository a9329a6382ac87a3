package io.usersync.capture;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Debezium connector properties the operator passes through, one {@code USERSYNC_CAPTURE_DEBEZIUM_<PROPERTY>}
 * variable each (Debezium Server's convention: upper case, {@code _} for {@code .}; {@code __} for a {@code _} in
 * the name). They go to the connector on top of what capture sets, so anything Debezium documents can be tuned
 * without a release, except the properties the pipeline's correctness rests on ({@link #refusal}).
 */
public record DebeziumSettings(Map<String, String> properties) {

    public static final String VARIABLE_PREFIX = "USERSYNC_CAPTURE_DEBEZIUM_";

    private static final String DATABASE = "the database is USERSYNC_DB_URL, USERSYNC_DB_USER and USERSYNC_DB_PASSWORD,"
            + " which the start-up checks and the publication use too";
    private static final String TABLES = "capture reads auth.users, its heartbeat and signal tables and public.users'"
            + " usernames, and routes each change by its table";
    private static final String COLUMNS = "it keeps password hashes and tokens of auth.users out of Kafka";
    private static final String MESSAGES = "only the username announcements of migration V6 may reach the reservations topic";
    private static final String FORMAT = "the stream processor reads Debezium's JSON change events without a schema envelope"
            + " (auth-users-cdc.schema.json)";
    private static final String SIGNALS = "resync and POST /sync start incremental snapshots through usersync.capture_signal";

    /** Property, or prefix ending in '.', that capture owns -> why. Checked in this order. */
    private static final Map<String, String> OWNED = owned();

    public static final DebeziumSettings NONE = new DebeziumSettings(Map.of());

    private static Map<String, String> owned() {
        Map<String, String> owned = new LinkedHashMap<>();
        owned.put("name", "capture names its connector");
        owned.put("connector.class", "capture runs Debezium's PostgreSQL connector");
        owned.put("topic.prefix", "Debezium scopes its offsets by it, and capture sets it to USERSYNC_SLOT_NAME");
        for (String property : new String[] {"database.hostname", "database.port", "database.dbname", "database.user",
                "database.password", "database.sslmode"}) {
            owned.put(property, DATABASE);
        }
        owned.put("plugin.name", "capture reads the slot with pgoutput, through the publication it keeps");
        owned.put("slot.name", "the slot is USERSYNC_SLOT_NAME, which the start-up checks and the slot-lag metric use too");
        owned.put("publication.name", "the publication is USERSYNC_PUBLICATION, which capture keeps itself");
        owned.put("publication.autocreate.mode", "capture keeps the publication itself, without public.users, so the"
                + " sink's writes never come back through the pipeline");
        for (String property : new String[] {"table.include.list", "table.exclude.list", "schema.include.list",
                "schema.exclude.list"}) {
            owned.put(property, TABLES);
        }
        owned.put("column.include.list", COLUMNS);
        owned.put("column.exclude.list", COLUMNS);
        owned.put("message.prefix.include.list", MESSAGES);
        owned.put("message.prefix.exclude.list", MESSAGES);
        owned.put("skipped.operations", "the stream processor must see every insert, update and delete");
        owned.put("tombstones.on.delete", "a deleted user's tombstone lets compaction remove them from the CDC topic");
        owned.put("converters", FORMAT);
        owned.put("converter.", FORMAT);
        for (String property : new String[] {"key.converter", "value.converter", "header.converter", "transforms",
                "predicates"}) {
            owned.put(property, FORMAT);
            owned.put(property + ".", FORMAT);
        }
        owned.put("offset.storage", "Debezium's position is kept in usersync.capture.offsets and moves only after"
                + " Kafka acknowledged the changes it stands for");
        owned.put("offset.storage.", owned.get("offset.storage"));
        owned.put("signal.", SIGNALS);
        owned.put("heartbeat.action.query", "heartbeats write usersync.capture_heartbeat, whose changes move the slot"
                + " while auth.users is idle");
        owned.put("poll.interval.ms", "it is USERSYNC_CAPTURE_POLL_INTERVAL_MS");
        owned.put("bootstrap.servers", "the offset store's Kafka clients take KAFKA_* variables like every client");
        return Collections.unmodifiableMap(owned);
    }

    public DebeziumSettings {
        properties = Collections.unmodifiableMap(new TreeMap<>(properties));
        for (String property : properties.keySet()) {
            refusal(property).ifPresent(reason -> {
                throw new IllegalArgumentException(variable(property) + " cannot be set: " + reason);
            });
        }
    }

    /** True for {@code USERSYNC_CAPTURE_DEBEZIUM_SOMETHING}. */
    public static boolean isVariable(String variable) {
        return variable.startsWith(VARIABLE_PREFIX) && variable.length() > VARIABLE_PREFIX.length();
    }

    /**
     * {@code USERSYNC_CAPTURE_DEBEZIUM_SNAPSHOT_FETCH_SIZE} -> {@code snapshot.fetch.size}: strip the prefix,
     * lower-case, {@code __} -> {@code _}, then {@code _} -> {@code .}.
     */
    public static String property(String variable) {
        if (!isVariable(variable)) {
            throw new IllegalArgumentException(variable + " does not start with " + VARIABLE_PREFIX);
        }
        String name = variable.substring(VARIABLE_PREFIX.length()).toLowerCase(Locale.ROOT);
        StringBuilder property = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' && i + 1 < name.length() && name.charAt(i + 1) == '_') {
                property.append('_');
                i++;
            } else {
                property.append(c == '_' ? '.' : c);
            }
        }
        return property.toString();
    }

    /** The variable that sets a property: {@code snapshot.fetch.size} -> {@code USERSYNC_CAPTURE_DEBEZIUM_SNAPSHOT_FETCH_SIZE}. */
    public static String variable(String property) {
        return VARIABLE_PREFIX + property.toUpperCase(Locale.ROOT).replace("_", "__").replace('.', '_');
    }

    /** Why capture owns a property; empty when the operator may set it. */
    public static Optional<String> refusal(String property) {
        for (Map.Entry<String, String> owned : OWNED.entrySet()) {
            String name = owned.getKey();
            if (name.endsWith(".") ? property.startsWith(name) : property.equals(name)) {
                return Optional.of(owned.getValue());
            }
        }
        return Optional.empty();
    }

    /** Credentials and key material: never logged, never repeated in an error. */
    public static boolean isSecret(String property) {
        String name = property.toLowerCase(Locale.ROOT);
        return name.contains("password") || name.contains("passphrase") || name.contains("secret") || name.contains("key")
                || name.contains("token") || name.contains("jaas") || name.contains("credential");
    }

    /** The properties with secret values replaced by {@code ****}: safe to log. */
    public Map<String, String> masked() {
        Map<String, String> masked = new TreeMap<>();
        properties.forEach((property, value) -> masked.put(property, isSecret(property) ? "****" : value));
        return masked;
    }

    @Override
    public String toString() {
        return "DebeziumSettings" + masked();
    }
}
