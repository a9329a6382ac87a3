package io.usersync.schemas.kafka;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How every Kafka client of every stage reaches the cluster: {@code bootstrap.servers} plus whatever the
 * operator passed as {@code KAFKA_*} variables (security protocol, SASL, TLS stores, compression, timeouts).
 * Plain strings, so the stages share one value without this module depending on Kafka.
 *
 * <p>Precedence, in {@link #clientProperties(Map)}: a stage's own tuning (linger, batch size, client id,
 * poll size) is a default the operator may override; the settings the pipeline's delivery guarantees rest
 * on ({@link #PIPELINE_OWNED}) cannot be passed at all, so a stage's value for them always holds.
 */
public record KafkaClientSettings(Map<String, String> properties) {

    /** Environment variables with this prefix are client properties. */
    public static final String VARIABLE_PREFIX = "KAFKA_";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

    /**
     * Idempotent, acknowledged writes; exactly-once processing; offsets that move only after the write
     * they stand for (the sink's in the database, keyed by group); reading every topic from its start.
     */
    public static final Set<String> PIPELINE_OWNED = Set.of(
            "acks",
            "enable.idempotence",
            "transactional.id",
            "isolation.level",
            "enable.auto.commit",
            "auto.offset.reset",
            "group.id",
            "application.id",
            "processing.guarantee");

    private static final Pattern JAAS_SECRET = Pattern.compile("(?i)((?:password|secret|token)\\s*=\\s*)(\"[^\"]*\"|[^\\s;]+)");

    public KafkaClientSettings {
        properties = Collections.unmodifiableMap(new TreeMap<>(properties));
        for (String property : properties.keySet()) {
            if (PIPELINE_OWNED.contains(property)) {
                throw new IllegalArgumentException(variable(property) + " cannot be set: the pipeline sets " + property);
            }
        }
    }

    public static KafkaClientSettings bootstrapServers(String servers) {
        return new KafkaClientSettings(Map.of(BOOTSTRAP_SERVERS, servers));
    }

    /** True for {@code KAFKA_SOMETHING}: a client property, never a usersync setting. */
    public static boolean isClientVariable(String variable) {
        return variable.startsWith(VARIABLE_PREFIX) && variable.length() > VARIABLE_PREFIX.length();
    }

    /** {@code KAFKA_SASL_JAAS_CONFIG} -> {@code sasl.jaas.config}: strip the prefix, lower-case, '_' -> '.'. */
    public static String property(String variable) {
        if (!isClientVariable(variable)) {
            throw new IllegalArgumentException(variable + " does not start with " + VARIABLE_PREFIX);
        }
        return variable.substring(VARIABLE_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** The variable that sets a property: {@code security.protocol} -> {@code KAFKA_SECURITY_PROTOCOL}. */
    public static String variable(String property) {
        return VARIABLE_PREFIX + property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Credentials and key material: never logged, never repeated in an error. */
    public static boolean isSecret(String property) {
        String name = property.toLowerCase(Locale.ROOT);
        return name.contains("password") || name.contains("passphrase") || name.contains("secret")
                || name.contains("jaas") || name.contains("token") || name.endsWith(".key");
    }

    public Optional<String> bootstrapServers() {
        return Optional.ofNullable(properties.get(BOOTSTRAP_SERVERS));
    }

    public KafkaClientSettings withBootstrapServers(String servers) {
        Map<String, String> copy = new HashMap<>(properties);
        copy.put(BOOTSTRAP_SERVERS, servers);
        return new KafkaClientSettings(copy);
    }

    /** The settings passed by the operator, without {@code bootstrap.servers}. */
    public Map<String, String> passthrough() {
        Map<String, String> passthrough = new TreeMap<>(properties);
        passthrough.remove(BOOTSTRAP_SERVERS);
        return passthrough;
    }

    /**
     * One client's configuration: the stage's settings, these on top. The stage's values for
     * {@link #PIPELINE_OWNED} settings always hold, since those can never be among these.
     */
    public Map<String, Object> clientProperties(Map<String, ?> stageSettings) {
        if (!properties.containsKey(BOOTSTRAP_SERVERS)) {
            throw new IllegalStateException("no Kafka bootstrap servers configured");
        }
        Map<String, Object> client = new HashMap<>(stageSettings);
        client.putAll(properties);
        return client;
    }

    /** The properties with secret values replaced by {@code ****}: safe to log. */
    public Map<String, String> masked() {
        Map<String, String> masked = new TreeMap<>();
        properties.forEach((property, value) -> masked.put(property, isSecret(property) ? "****" : value));
        return masked;
    }

    /** The text with every secret value of these settings, and every password inside a JAAS config, masked. */
    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (Map.Entry<String, String> entry : properties.entrySet()) {
            if (isSecret(entry.getKey()) && !entry.getValue().isEmpty()) {
                masked = masked.replace(entry.getValue(), "****");
            }
        }
        return JAAS_SECRET.matcher(masked).replaceAll(match -> Matcher.quoteReplacement(match.group(1) + "****"));
    }

    @Override
    public String toString() {
        return "KafkaClientSettings" + masked();
    }
}
