package io.usersync.app;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigException;
import io.usersync.app.config.Setting;

/** What the operations commands share: they work on a running deployment, never on embedded servers. */
final class CommandSupport {

    private CommandSupport() {
    }

    static AppConfig requireExternal(AppConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.dbUrl().isEmpty()) {
            problems.add(Setting.DB_URL.variable() + " is required: set it to the database the pipeline runs against.");
        }
        if (config.kafkaBootstrapServers().isEmpty()) {
            problems.add(Setting.KAFKA_BOOTSTRAP_SERVERS.variable() + " is required: set it to the pipeline's Kafka cluster.");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /** {@code 60s}, {@code 500ms}, {@code 5m} or ISO-8601 ({@code PT1M}). */
    static Duration duration(String option, String value) {
        String text = value.trim().toLowerCase();
        try {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            if (text.endsWith("s") && !text.startsWith("pt")) {
                return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            if (text.endsWith("m") && !text.startsWith("pt")) {
                return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            return Duration.parse(text.toUpperCase());
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new ConfigException(List.of(option + " takes a duration like 60s, 500ms, 5m or PT1M; got '" + value + "'."));
        }
    }
}
