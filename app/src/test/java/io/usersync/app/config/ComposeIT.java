package io.usersync.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.usersync.app.Main;
import io.usersync.app.chaos.JavaProcess;
import io.usersync.app.config.ComposeProject.Condition;
import io.usersync.app.config.ComposeProject.Service;
import io.usersync.app.run.ScratchDirectory;
import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.testing.AuthUsersTable;

/**
 * docker-compose.yml, started as {@code docker compose up --scale process=3 --scale capture=2} would start it, with no
 * container runtime: every usersync service (migrate, process three times, sink, capture twice) runs the command and environment compose gives
 * it (its own and the image's ENV) in a JVM with the image's ENTRYPOINT options, in depends_on order, each waiting for
 * the conditions it names; each service's own healthcheck command must pass, and a sign-up in auth.users must reach
 * public.users; of the two captures one streams and the other stands by. postgres and kafka are embedded servers configured like the compose ones (wal_level=logical, a
 * single-node KRaft broker without topic auto-creation), healthy once started; prometheus and grafana are not started.
 *
 * <p>What differs, and only this, because every container here shares one host ({@link #onThisHost}):
 * <ol>
 * <li>hosts: {@code postgres:5432} and {@code kafka:9092} become the embedded servers' loopback addresses;</li>
 * <li>ports: a replica's HTTP port (8080 in its container) becomes a free port of this host, in its environment and in
 * its healthcheck command;</li>
 * <li>files: the image's jar becomes this build's class path ({@code java OPTIONS -cp ... io.usersync.app.Main});
 * the image's data directory becomes a directory per named volume mounted there (shared by every replica that mounts
 * it, as in Docker), else one per replica (a container's own file system or anonymous volume);</li>
 * <li>pipeline-role runs {@code psql} in a postgres image: here its script, found through its volume, and its
 * {@code alter role}, run over JDBC as its PGUSER.</li>
 * </ol>
 */
class ComposeIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path LOGS = Path.of("target", "compose-it");
    private static final Map<String, Integer> SCALE = Map.of("process", 3, "capture", 2);
    private static final String CONTAINER_PORT = "8080";
    private static final Duration AT_MOST = Duration.ofMinutes(3);
    /** What the operator exports before {@code docker compose up}. The owner's is the embedded server's own. */
    private static final Map<String, String> VARIABLES = Map.of(
            "POSTGRES_PASSWORD", EmbeddedPostgresServer.PASSWORD,
            "USERSYNC_DB_PASSWORD", "compose-it-pipeline-password",
            "USERSYNC_JWT_SECRET", "compose-it-jwt-secret-of-more-than-32-characters");

    /** One container of a service, as a process of this host. */
    private record Replica(String name, JavaProcess process, int httpPort, List<String> healthcheck) {
    }

    private final Map<String, List<Replica>> running = new LinkedHashMap<>();
    private EmbeddedPostgresServer postgres;
    private EmbeddedKafkaBroker kafka;
    private ScratchDirectory volumes;

    @AfterEach
    void stop() throws Exception {
        for (List<Replica> replicas : running.values()) {
            for (Replica replica : replicas) {
                replica.process().stop();
            }
        }
        kafka.close();
        postgres.close();
        volumes.close();
    }

    @Test
    void shouldStartEveryUsersyncServiceAsComposeDoesScaledOutAndPassItsHealthcheckAndSyncSignUps() throws Exception {
        postgres = EmbeddedPostgresServer.startTemporary();
        kafka = EmbeddedKafkaBroker.startTemporary();
        volumes = ScratchDirectory.givenOrTemporary(null, "compose-it-");
        ComposeProject compose = ComposeProject.read(ROOT.resolve("docker-compose.yml"), VARIABLES);
        Dockerfile image = Dockerfile.read(ROOT.resolve("Dockerfile"));
        String usersyncImage = compose.service("migrate").image();

        for (String name : compose.startOrder()) {
            Service service = compose.service(name);
            service.dependsOn().forEach(this::awaitCondition);
            if (name.equals("pipeline-role")) {
                createPipelineRole(service);
            } else if (usersyncImage.equals(service.image())) {
                List<Replica> replicas = new ArrayList<>();
                for (int i = 1; i <= SCALE.getOrDefault(name, 1); i++) {
                    replicas.add(start(service, name + "-" + i, image));
                }
                running.put(name, replicas);
            }
        }
        running.forEach((name, replicas) -> {
            if (!replicas.get(0).healthcheck().isEmpty()) {
                awaitCondition(name, Condition.SERVICE_HEALTHY);
            }
        });
        AuthUsersTable auth = new AuthUsersTable(this::owner);
        for (String domain : List.of("a", "b", "c")) {
            auth.signUp("alice@" + domain + ".example.com", "{}", "{\"provider\":\"email\",\"providers\":[\"email\"]}");
        }

        await().atMost(AT_MOST).until(() -> usernames().size() == 3);
        assertThat(usernames()).containsExactlyInAnyOrder("alice", "alice2", "alice3");
        assertThat(running.keySet()).containsExactly("migrate", "process", "sink", "capture");
        assertThat(running.get("process")).hasSize(3);
        List<String> captures = new ArrayList<>();
        for (Replica capture : running.get("capture")) {
            captures.add(new ObjectMapper().readTree(health(capture)).at("/stages/capture/reason").asText());
        }
        assertThat(captures).containsExactlyInAnyOrder("streaming", "standby");
        for (Replica replica : running.values().stream().flatMap(List::stream).filter(r -> !r.healthcheck().isEmpty()).toList()) {
            assertThat(healthy(replica)).as(replica.name()).isTrue();
        }
    }

    private Replica start(Service service, String name, Dockerfile image) throws IOException {
        List<String> entrypoint = image.entrypoint();
        assertThat(entrypoint.get(0)).isEqualTo("java");
        List<String> jvmOptions = entrypoint.subList(1, entrypoint.indexOf("-jar"));
        Map<String, String> environment = new LinkedHashMap<>(image.environment());
        environment.putAll(service.environment());
        int httpPort = freePort();
        Map<String, String> onThisHost = onThisHost(environment, service, name, httpPort);
        JavaProcess process = JavaProcess.start(Main.class, jvmOptions, service.command(), onThisHost, LOGS.resolve(name + ".log"));
        List<String> healthcheck = service.healthcheck().stream()
                .map(part -> part.replace("localhost:" + CONTAINER_PORT + "/", "localhost:" + httpPort + "/")).toList();
        return new Replica(name, process, httpPort, healthcheck);
    }

    /** The translations of the class comment, and nothing else. */
    private Map<String, String> onThisHost(Map<String, String> environment, Service service, String replica, int httpPort) {
        Map<String, String> translated = new LinkedHashMap<>();
        environment.forEach((variable, value) -> translated.put(variable, value
                .replace("//postgres:5432/", "//127.0.0.1:" + postgres.port() + "/")
                .replace("kafka:9092", kafka.bootstrapServers())));
        if (translated.containsKey(Setting.HTTP_PORT.variable())) {
            assertThat(translated.get(Setting.HTTP_PORT.variable())).isEqualTo(CONTAINER_PORT);
            translated.put(Setting.HTTP_PORT.variable(), Integer.toString(httpPort));
        }
        String dataDir = translated.get(Setting.DATA_DIR.variable());
        String volume = service.volumeSourceAt(dataDir);
        translated.put(Setting.DATA_DIR.variable(), volumes.path().resolve(volume != null ? "volume-" + volume : replica).toString());
        return translated;
    }

    private void awaitCondition(String dependency, Condition condition) {
        List<Replica> replicas = running.get(dependency);
        if (replicas == null) {
            return; // postgres and kafka: started before anything; pipeline-role: done when its step returned
        }
        for (Replica replica : replicas) {
            if (condition == Condition.SERVICE_HEALTHY) {
                await().atMost(AT_MOST).pollInterval(Duration.ofMillis(500)).failFast(replica.name() + " exited",
                        () -> !replica.process().isAlive()).until(() -> healthy(replica));
            } else if (condition == Condition.SERVICE_COMPLETED_SUCCESSFULLY) {
                await().atMost(AT_MOST).until(() -> !replica.process().isAlive());
                assertThat(replica.process().exitValue()).as(replica.name() + " exit code").isZero();
            }
        }
    }

    /** Runs the service's healthcheck test as Docker would: CMD-SHELL through sh, CMD as it is. */
    private static boolean healthy(Replica replica) throws IOException, InterruptedException {
        List<String> test = replica.healthcheck();
        List<String> command = test.get(0).equals("CMD-SHELL") ? List.of("sh", "-c", test.get(1)) : test.subList(1, test.size());
        Process check = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return check.waitFor(10, TimeUnit.SECONDS) && check.exitValue() == 0;
    }

    private static String health(Replica replica) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + replica.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    /** psql -f SCRIPT, then alter role ... password :'password' with USERSYNC_DB_PASSWORD, as PGUSER with PGPASSWORD. */
    private void createPipelineRole(Service service) throws IOException, SQLException {
        String command = String.join(" ", service.command());
        Matcher script = Pattern.compile("-f (\\S+)").matcher(command);
        assertThat(script.find()).as("psql -f in " + command).isTrue();
        assertThat(command).contains("alter role usersync_pipeline password :'password'")
                .contains("-v password=\"$USERSYNC_DB_PASSWORD\"");
        Path scriptOnThisHost = null;
        for (String volume : service.volumes()) {
            String[] parts = volume.split(":");
            if (script.group(1).startsWith(parts[1] + "/")) {
                scriptOnThisHost = ROOT.resolve(parts[0]).resolve(script.group(1).substring(parts[1].length() + 1));
            }
        }
        assertThat(scriptOnThisHost).as("volume holding " + script.group(1)).isNotNull();
        Map<String, String> environment = service.environment();
        assertThat(environment.get("PGHOST")).isEqualTo("postgres");
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(environment.get("PGUSER")),
                environment.get("PGUSER"), environment.get("PGPASSWORD")); Statement statement = connection.createStatement()) {
            statement.execute(Files.readString(scriptOnThisHost));
            statement.execute("alter role usersync_pipeline password '"
                    + environment.get("USERSYNC_DB_PASSWORD").replace("'", "''") + "'");
        }
    }

    private Connection owner() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl("postgres"), EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
    }

    private Set<String> usernames() throws SQLException {
        Set<String> usernames = new HashSet<>();
        try (Connection connection = owner(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select username from public.users")) {
            while (rs.next()) {
                usernames.add(rs.getString(1));
            }
        }
        return usernames;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
