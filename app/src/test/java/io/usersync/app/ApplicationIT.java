package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigLoader;
import io.usersync.app.run.Application;
import io.usersync.schemas.testing.AuthUsersTable;
import io.usersync.schemas.testing.TestDatabase;

/** The whole application in one JVM on its embedded servers, from sign-up to public.users and back. */
class ApplicationIT {

    private static final String SECRET = "application-it-secret-of-32-characters-or-more";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern PROMETHEUS_LINE = Pattern.compile(
            "^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? -?([0-9.eE+-]+|NaN|\\+Inf|-Inf)( [0-9]+)?$");

    private final HttpClient http = HttpClient.newHttpClient();
    private Application application;

    @AfterEach
    void stop() {
        if (application != null) {
            application.close();
        }
    }

    private static AppConfig config(Path dataDir) {
        Map<String, String> environment = new HashMap<>();
        environment.put("USERSYNC_DATA_DIR", dataDir.toString());
        environment.put("USERSYNC_HTTP_PORT", "0");
        environment.put("USERSYNC_JWT_SECRET", SECRET);
        environment.put("USERSYNC_PARTITIONS", "3");
        return ConfigLoader.load(environment, Map.of());
    }

    @Test
    void shouldSyncSignUpsUpdatesAndDeletesAndPickUpWhereItLeftOffAfterARestart() throws Exception {
        Path dataDir = Files.createTempDirectory("usersync-app-it");
        application = Application.start(config(dataDir));
        awaitHealth(200);

        UUID ada = signUp("ada@example.com", "{\"full_name\":\"Ada Lovelace\"}");
        UUID bob = signUp("bob@example.com", "{}");
        UUID carol = signUp("carol@example.com", "{}");
        await().atMost(Duration.ofMinutes(1)).until(() -> username(ada) != null && username(bob) != null && username(carol) != null);
        assertThat(username(ada)).isEqualTo("ada");
        assertThat(username(bob)).isEqualTo("bob");

        execute("update auth.users set raw_user_meta_data = '{\"full_name\":\"Ada King\"}', updated_at = now() where id = ?", ada);
        await().atMost(Duration.ofSeconds(30)).until(() -> "Ada King".equals(column(ada, "full_name")));
        execute("update auth.users set deleted_at = now(), updated_at = now() where id = ?", bob);
        execute("delete from auth.users where id = ?", carol);
        await().atMost(Duration.ofSeconds(30)).until(() -> username(bob) == null && username(carol) == null);

        application.close();
        application = Application.start(config(dataDir));
        awaitHealth(200);
        UUID dave = signUp("ada@example.org", "{}");

        await().atMost(Duration.ofMinutes(1)).until(() -> username(dave) != null);
        assertThat(username(dave)).isEqualTo("ada2");
        assertThat(username(ada)).isEqualTo("ada");
        assertThat(column(ada, "full_name")).isEqualTo("Ada King");
        assertThat(rowCount()).isEqualTo(2);
    }

    @Test
    void shouldNeverHandOutAUsernameTheAppSetAndKeepItForItsUser() throws Exception {
        application = Application.start(config(Files.createTempDirectory("usersync-app-it")));
        awaitHealth(200);
        UUID ivan = signUp("ivan@example.com", "{}");
        await().atMost(Duration.ofMinutes(1)).until(() -> "ivan".equals(username(ivan)));

        execute("update public.users set username = 'kate' where id = ?", ivan);
        // The pipeline adopts the rename: it publishes the profile again with the new name.
        SinkProgress.awaitSinkPast(application.config().kafkaBootstrapServers().orElseThrow(), application.database(), ivan,
                profile -> "kate".equals(profile.username()));
        UUID kate = signUp("kate@example.com", "{}");
        execute("update auth.users set raw_user_meta_data = '{\"full_name\":\"Ivan Petrov\"}', updated_at = now() where id = ?", ivan);

        await().atMost(Duration.ofMinutes(1)).until(() -> username(kate) != null && "Ivan Petrov".equals(column(ivan, "full_name")));
        assertThat(username(kate)).isEqualTo("kate2");
        assertThat(username(ivan)).isEqualTo("kate");
    }

    @Test
    void shouldReturnTheResyncedRowFromSyncWithWait() throws Exception {
        application = Application.start(config(Files.createTempDirectory("usersync-app-it")));
        awaitHealth(200);
        UUID erin = signUp("erin@example.com", "{\"name\":\"Erin\"}");
        await().atMost(Duration.ofMinutes(1)).until(() -> username(erin) != null);
        execute("update public.users set email = 'edited.by.hand@example.com' where id = ?", erin);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/sync?wait=20s"))
                .header("Authorization", "Bearer " + serviceRoleToken())
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + erin + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode row = MAPPER.readTree(response.body());
        assertThat(row.get("id").asText()).isEqualTo(erin.toString());
        assertThat(row.get("email").asText()).isEqualTo("erin@example.com");
        assertThat(column(erin, "email")).isEqualTo("erin@example.com");
    }

    @Test
    void shouldReportDownWhileTheDatabaseIsStoppedAndUpWhenItIsBack() throws Exception {
        application = Application.start(config(Files.createTempDirectory("usersync-app-it")));
        awaitHealth(200);
        UUID frank = signUp("frank@example.com", "{}");
        await().atMost(Duration.ofMinutes(1)).until(() -> username(frank) != null);

        application.embedded().postgres().stop();
        // Capture may notice first, the sink at its next check of the database: both make the whole DOWN.
        HttpResponse<String> down = awaitHealth(503, body -> body.at("/stages/sink/status").asText().equals("DOWN"));
        assertThat(MAPPER.readTree(down.body()).get("status").asText()).isEqualTo("DOWN");

        application.embedded().postgres().start();
        HttpResponse<String> up = awaitHealth(200);
        assertThat(MAPPER.readTree(up.body()).get("status").asText()).isEqualTo("UP");
        UUID grace = signUp("grace@example.com", "{}");
        await().atMost(Duration.ofMinutes(1)).until(() -> username(grace) != null);
    }

    @Test
    void shouldServePrometheusTextWithTheSyncLatencyHistogram() throws Exception {
        application = Application.start(config(Files.createTempDirectory("usersync-app-it")));
        awaitHealth(200);
        UUID heidi = signUp("heidi@example.com", "{}");
        await().atMost(Duration.ofMinutes(1)).until(() -> username(heidi) != null);

        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(uri("/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(metrics.body().lines().filter(line -> !line.isBlank() && !line.startsWith("#")))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).matches(PROMETHEUS_LINE));
        assertThat(metrics.body()).contains("usersync_sync_latency_seconds_bucket{")
                .contains("usersync_sink_rows_upserted_total")
                .contains("usersync_processor_records_in_total")
                .contains("usersync_capture_slot_lag_bytes")
                .contains("kafka_consumer");
    }

    private HttpResponse<String> awaitHealth(int status) {
        return awaitHealth(status, body -> true);
    }

    /** Waits for a /health answer with this status whose body matches. */
    private HttpResponse<String> awaitHealth(int status, Predicate<JsonNode> body) {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> {
            last.set(http.send(HttpRequest.newBuilder(uri("/health")).GET().build(), HttpResponse.BodyHandlers.ofString()));
            return last.get().statusCode() == status && body.test(MAPPER.readTree(last.get().body()));
        });
        return last.get();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + application.httpPort() + path);
    }

    private static String serviceRoleToken() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .claim("role", "service_role").expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private Connection connect() throws SQLException {
        AppConfig config = application.config();
        return TestDatabase.dataSource(config.database().orElseThrow()).getConnection();
    }

    private UUID signUp(String email, String userMeta) throws SQLException {
        return new AuthUsersTable(this::connect).signUp(email, userMeta, "{\"provider\":\"email\",\"providers\":[\"email\"]}");
    }

    private void execute(String sql, UUID id) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, id);
            s.executeUpdate();
        }
    }

    private String username(UUID id) throws SQLException {
        return column(id, "username");
    }

    private String column(UUID id, String column) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "select " + column + " from public.users where id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private long rowCount() throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("select count(*) from public.users");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
