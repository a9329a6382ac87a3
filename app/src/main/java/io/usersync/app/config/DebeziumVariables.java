package io.usersync.app.config;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.usersync.capture.DebeziumSettings;

/**
 * Reads every {@code USERSYNC_CAPTURE_DEBEZIUM_*} variable as a property of capture's Debezium connector. One that
 * would set a property the pipeline's correctness rests on stops start-up, naming the variable and why.
 */
final class DebeziumVariables {

    private DebeziumVariables() {
    }

    static DebeziumSettings read(Map<String, String> environment, Map<String, String> overrides, List<String> problems) {
        Map<String, String> variables = new TreeMap<>();
        environment.forEach((name, value) -> put(variables, name, value));
        overrides.forEach((name, value) -> put(variables, name, value));

        Map<String, String> properties = new TreeMap<>();
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            String property = DebeziumSettings.property(variable.getKey());
            if (!property.matches("[a-z0-9_-]+(\\.[a-z0-9_-]+)*")) {
                problems.add(variable.getKey() + " names no Debezium property (got '" + property + "'). Fix: write the"
                        + " property upper-case after " + DebeziumSettings.VARIABLE_PREFIX + ", '_' for '.', '__' for '_'.");
                continue;
            }
            DebeziumSettings.refusal(property).ifPresentOrElse(
                    reason -> problems.add(variable.getKey() + " cannot be set: usersync sets " + property + " itself, "
                            + reason + ". Fix: unset " + variable.getKey() + "."),
                    () -> properties.put(property, variable.getValue()));
        }
        return new DebeziumSettings(properties);
    }

    private static void put(Map<String, String> variables, String name, String value) {
        if (DebeziumSettings.isVariable(name) && value != null && !value.isBlank()) {
            variables.put(name, value.trim());
        }
    }
}
