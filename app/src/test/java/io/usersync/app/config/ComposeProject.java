package io.usersync.app.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * docker-compose.yml as {@code docker compose} reads it: {@code ${VAR}}, {@code ${VAR:-default}} and
 * {@code ${VAR:?message}} replaced from the given variables (a missing required one fails with its message, as compose
 * does), {@code $$} left as one {@code $}; services in the order their {@code depends_on} lets them start.
 */
final class ComposeProject {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-?])([^}]*))?}");

    /** What a service's {@code depends_on} entry waits for. */
    enum Condition { SERVICE_STARTED, SERVICE_HEALTHY, SERVICE_COMPLETED_SUCCESSFULLY }

    /**
     * One service, interpolated.
     *
     * @param command     its {@code command} (the image's CMD when absent: empty)
     * @param environment its {@code environment}
     * @param dependsOn   each service it depends on, with the condition
     * @param healthcheck its healthcheck's {@code test}, e.g. {@code [CMD-SHELL, curl ...]}; empty when none
     * @param volumes     its {@code volumes}, {@code source:target[:mode]} or a bare target (an anonymous volume)
     */
    record Service(String name, String image, List<String> command, Map<String, String> environment,
            Map<String, Condition> dependsOn, List<String> healthcheck, List<String> volumes) {

        /** A volume's source mounted at {@code target}: a named volume, a host path, or null for none or anonymous. */
        String volumeSourceAt(String target) {
            for (String volume : volumes) {
                String[] parts = volume.split(":");
                if (parts.length >= 2 && parts[1].equals(target)) {
                    return parts[0];
                }
            }
            return null;
        }
    }

    private final JsonNode root;
    private final Map<String, String> variables;

    private ComposeProject(JsonNode root, Map<String, String> variables) {
        this.root = root;
        this.variables = variables;
    }

    /** @param variables what compose would take from the shell and the .env file */
    static ComposeProject read(Path file, Map<String, String> variables) throws IOException {
        return new ComposeProject(tree(file), variables);
    }

    /** The file as a tree, anchors and aliases resolved (Jackson's YAML parser leaves an alias empty). */
    static JsonNode tree(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new ObjectMapper().valueToTree(new Yaml(new SafeConstructor(new LoaderOptions())).load(reader));
        }
    }

    Service service(String name) {
        JsonNode node = root.path("services").path(name);
        if (node.isMissingNode()) {
            throw new IllegalArgumentException("no service " + name);
        }
        Map<String, String> environment = new LinkedHashMap<>();
        node.path("environment").properties().forEach(entry -> environment.put(entry.getKey(), interpolate(entry.getValue().asText())));
        Map<String, Condition> dependsOn = new LinkedHashMap<>();
        JsonNode depends = node.path("depends_on");
        if (depends.isArray()) {
            depends.forEach(dependency -> dependsOn.put(dependency.asText(), Condition.SERVICE_STARTED));
        } else {
            depends.properties().forEach(entry -> dependsOn.put(entry.getKey(),
                    Condition.valueOf(entry.getValue().path("condition").asText("service_started").toUpperCase())));
        }
        return new Service(name, node.path("image").asText(null), strings(node.path("command")), environment, dependsOn,
                strings(node.path("healthcheck").path("test")), strings(node.path("volumes")));
    }

    /** Every service, each after the services it depends on. */
    List<String> startOrder() {
        List<String> order = new ArrayList<>();
        root.path("services").fieldNames().forEachRemaining(name -> visit(name, order, new ArrayList<>()));
        return order;
    }

    private void visit(String name, List<String> order, List<String> path) {
        if (order.contains(name)) {
            return;
        }
        if (path.contains(name)) {
            throw new IllegalStateException("depends_on cycle: " + path + " -> " + name);
        }
        path.add(name);
        service(name).dependsOn().keySet().forEach(dependency -> visit(dependency, order, path));
        path.remove(name);
        order.add(name);
    }

    private List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        node.forEach(value -> values.add(interpolate(value.asText())));
        return values;
    }

    String interpolate(String text) {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement(matcher)));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    private String replacement(Matcher matcher) {
        if (matcher.group().equals("$$")) {
            return "$";
        }
        String value = variables.get(matcher.group(1));
        boolean unset = value == null || value.isEmpty();
        if (":?".equals(matcher.group(2)) && unset) {
            throw new IllegalArgumentException("required variable " + matcher.group(1) + " is missing a value: " + matcher.group(3));
        }
        if (":-".equals(matcher.group(2)) && unset) {
            return matcher.group(3);
        }
        return value == null ? "" : value;
    }
}
