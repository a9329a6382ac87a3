package io.usersync.app.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.schemas.kafka.KafkaClientSettings;

/**
 * Reads every {@code KAFKA_*} variable as a Kafka client property and checks its value the way the
 * clients would, so a typo in a value stops start-up naming the variable instead of surfacing later as a
 * stage failing to connect. A name no client knows is only warned about, as the clients themselves do.
 */
final class KafkaClientVariables {

    private static final Logger log = LoggerFactory.getLogger(KafkaClientVariables.class);
    private static final List<ConfigDef> CLIENTS = List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(),
            AdminClientConfig.configDef(), StreamsConfig.configDef());

    private KafkaClientVariables() {
    }

    /**
     * @param bootstrapServers {@code KAFKA_BOOTSTRAP_SERVERS}, read as a {@link Setting}; empty for the
     *                         in-process broker
     */
    static KafkaClientSettings read(Map<String, String> environment, Map<String, String> overrides,
            Optional<String> bootstrapServers, List<String> problems) {
        Map<String, String> variables = new TreeMap<>();
        environment.forEach((name, value) -> put(variables, name, value));
        overrides.forEach((name, value) -> put(variables, name, value));
        variables.remove(Setting.KAFKA_BOOTSTRAP_SERVERS.variable());

        Map<String, String> properties = new TreeMap<>();
        bootstrapServers.ifPresent(servers -> properties.put(KafkaClientSettings.BOOTSTRAP_SERVERS, servers));
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            String property = KafkaClientSettings.property(variable.getKey());
            if (KafkaClientSettings.PIPELINE_OWNED.contains(property)) {
                problems.add(variable.getKey() + " cannot be set: usersync sets " + property
                        + " itself, the pipeline's delivery guarantees rest on it. Fix: unset " + variable.getKey() + ".");
            } else if (valid(variable.getKey(), property, variable.getValue(), problems)) {
                properties.put(property, variable.getValue());
            }
        }
        String protocol = properties.getOrDefault("security.protocol", "PLAINTEXT");
        if (bootstrapServers.isEmpty() && !protocol.equalsIgnoreCase(SecurityProtocol.PLAINTEXT.name)) {
            problems.add("KAFKA_SECURITY_PROTOCOL=" + protocol + " needs KAFKA_BOOTSTRAP_SERVERS: the in-process broker "
                    + "speaks PLAINTEXT on loopback. Fix: set KAFKA_BOOTSTRAP_SERVERS to your cluster, or unset "
                    + "KAFKA_SECURITY_PROTOCOL.");
        }
        return new KafkaClientSettings(properties);
    }

    private static void put(Map<String, String> variables, String name, String value) {
        if (KafkaClientSettings.isClientVariable(name) && value != null && !value.isBlank()) {
            variables.put(name, value.trim());
        }
    }

    private static boolean valid(String variable, String property, String value, List<String> problems) {
        Optional<ConfigDef.ConfigKey> key = CLIENTS.stream().map(def -> def.configKeys().get(property))
                .filter(k -> k != null).findFirst();
        if (key.isEmpty()) {
            log.warn("{} is not a setting of any Kafka client (no producer, consumer, admin or Streams client knows {}); "
                    + "the clients will ignore it", variable, property);
            return true;
        }
        try {
            Object parsed = ConfigDef.parseType(property, value, key.get().type);
            if (key.get().validator != null) {
                key.get().validator.ensureValid(property, parsed);
            }
            if (property.equals(SaslConfigs.SASL_JAAS_CONFIG)) {
                JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(value)));
            }
            return true;
        } catch (ConfigException | IllegalArgumentException e) {
            String reason = KafkaClientSettings.isSecret(property) ? new KafkaClientSettings(Map.of(property, value)).mask(String.valueOf(e.getMessage()))
                    : e.getMessage();
            problems.add(variable + " is not a valid " + property + ": " + reason + ". Fix: correct " + variable + ".");
            return false;
        }
    }
}
