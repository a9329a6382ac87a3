package io.usersync.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * docker-compose.yml only sets variables the app reads, opens the HTTP port where it serves it, pins every
 * image, publishes on loopback only, has no default secret, and runs the stages as the pipeline's own role
 * rather than the database owner.
 */
class ComposeFileTest {

    private static final Path COMPOSE = Path.of(System.getProperty("user.dir")).getParent().resolve("docker-compose.yml");
    private static final Path ROLE_SCRIPT = COMPOSE.resolveSibling("deploy/sql/usersync-role.sql");

    private static JsonNode compose() throws IOException {
        return ComposeProject.tree(COMPOSE);
    }

    @Test
    void shouldSetOnlyVariablesTheAppReads() throws IOException {
        Set<String> known = Arrays.stream(Setting.values()).map(Setting::variable).collect(Collectors.toSet());
        List<String> used = new ArrayList<>();
        compose().get("services").forEach(service -> service.path("environment").fieldNames().forEachRemaining(name -> {
            if (name.startsWith("USERSYNC_") || name.equals("KAFKA_BOOTSTRAP_SERVERS")) {
                used.add(name);
            }
        }));

        assertThat(used).isNotEmpty().allSatisfy(name -> assertThat(known).contains(name));
    }

    @Test
    void shouldRunEachStageInItsOwnServiceFromTheSameImage() throws IOException {
        JsonNode services = compose().get("services");
        List<String> stages = new ArrayList<>();
        services.forEach(service -> {
            if (service.path("environment").has("USERSYNC_STAGES")) {
                stages.add(service.path("environment").get("USERSYNC_STAGES").asText());
                assertThat(service.get("image").asText()).isEqualTo(services.get("migrate").get("image").asText());
            }
        });

        assertThat(stages).containsExactlyInAnyOrder("capture", "process", "sink");
    }

    @Test
    void shouldBindTheHttpPortToEveryInterfaceInEachServiceThatServesIt() throws IOException {
        List<String> serving = new ArrayList<>();
        compose().get("services").forEach(service -> {
            JsonNode environment = service.path("environment");
            if (environment.has(Setting.HTTP_PORT.variable())) {
                serving.add(environment.get(Setting.HTTP_PORT.variable()).asText());
                assertThat(environment.path(Setting.HTTP_BIND.variable()).asText()).isEqualTo("0.0.0.0");
            }
        });

        assertThat(serving).hasSize(3);
    }

    @Test
    void shouldBindTheImagesHttpPortToEveryInterface() throws IOException {
        assertThat(Files.readAllLines(COMPOSE.resolveSibling("Dockerfile")))
                .contains("ENV " + Setting.HTTP_BIND.variable() + "=0.0.0.0");
    }

    @Test
    void shouldCheckTheReadinessOfEveryStageOnThePortItServes() throws IOException {
        compose().get("services").forEach(service -> {
            if (service.path("environment").has("USERSYNC_STAGES")) {
                String port = service.get("environment").get(Setting.HTTP_PORT.variable()).asText();
                assertThat(service.path("healthcheck").path("test").toString()).contains("localhost:" + port + "/health/ready");
            }
        });
    }

    /** docker compose up --scale process=3: no fixed name or host port, and no state shared between replicas. */
    @Test
    void shouldLetTheProcessServiceScaleOutWithAStateDirectoryPerReplica() throws IOException {
        JsonNode process = compose().get("services").get("process");
        String dataDir = Dockerfile.read(COMPOSE.resolveSibling("Dockerfile")).environment().get(Setting.DATA_DIR.variable());
        Set<String> named = new HashSet<>();
        compose().path("volumes").fieldNames().forEachRemaining(named::add);

        assertThat(process.has("container_name")).isFalse();
        assertThat(process.has("ports")).isFalse();
        assertThat(process.path("environment").has(Setting.INSTANCE_ID.variable())).isFalse();
        process.path("volumes").forEach(volume -> assertThat(volume.asText().split(":")[0]).isNotIn(named));
        assertThat(process.path("volumes").toString()).contains(dataDir);
    }

    @Test
    void shouldHavePrometheusScrapeEveryReplicaOfEveryStage() throws IOException {
        JsonNode discovery = ComposeProject.tree(COMPOSE.resolveSibling("deploy/prometheus.yml")).at("/scrape_configs/0/dns_sd_configs/0");
        List<String> names = new ArrayList<>();
        discovery.get("names").forEach(name -> names.add(name.asText()));
        List<String> stages = new ArrayList<>();
        compose().get("services").properties().forEach(service -> {
            if (service.getValue().path("environment").has("USERSYNC_STAGES")) {
                stages.add(service.getKey());
                assertThat(service.getValue().get("environment").get(Setting.HTTP_PORT.variable()).asText())
                        .isEqualTo(discovery.get("port").asText());
            }
        });

        assertThat(discovery.get("type").asText()).isEqualTo("A");
        assertThat(names).containsExactlyInAnyOrderElementsOf(stages);
    }

    @Test
    void shouldPinEveryImage() throws IOException {
        compose().get("services").forEach(service -> {
            String image = service.get("image").asText();
            assertThat(image).contains(":").doesNotEndWith(":latest");
        });
    }

    @Test
    void shouldPublishPortsOnLoopbackOnly() throws IOException {
        List<String> ports = new ArrayList<>();
        compose().get("services").forEach(service -> service.path("ports").forEach(port -> ports.add(port.asText())));

        assertThat(ports).isNotEmpty().allSatisfy(port -> assertThat(port).startsWith("127.0.0.1:"));
    }

    @Test
    void shouldRequireEverySecretWithoutADefaultAndNameTheVariableWhenMissing() throws IOException {
        List<String> secrets = new ArrayList<>();
        compose().get("services").forEach(service -> service.path("environment").properties().forEach(variable -> {
            if (variable.getKey().matches(".*(SECRET|PASSWORD).*")) {
                secrets.add(variable.getValue().asText());
            }
        }));

        assertThat(secrets).isNotEmpty().allSatisfy(value ->
                assertThat(value).matches("\\$\\{([A-Z_]+):\\?set \\1 .+}"));
    }

    @Test
    void shouldConnectTheStagesAsThePipelineRoleThatTheRoleScriptCreates() throws IOException {
        JsonNode services = compose().get("services");
        services.forEach(service -> {
            if (service.path("environment").has("USERSYNC_STAGES")) {
                assertThat(service.get("environment").get("USERSYNC_DB_USER").asText()).isEqualTo("usersync_pipeline");
                assertThat(dependsOn(services, service, "pipeline-role")).isTrue();
            }
        });
        assertThat(services.get("pipeline-role").get("volumes").get(0).asText()).startsWith("./deploy/sql:");
        assertThat(Files.readString(ROLE_SCRIPT)).contains("create role usersync_pipeline").contains("nosuperuser");
    }

    private static boolean dependsOn(JsonNode services, JsonNode service, String target) {
        List<String> names = new ArrayList<>();
        service.path("depends_on").fieldNames().forEachRemaining(names::add);
        return names.contains(target) || names.stream().anyMatch(name -> dependsOn(services, services.get(name), target));
    }
}
