package io.usersync.app.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.usersync.app.config.Durations;
import io.usersync.app.run.StageHealth;

/**
 * The management endpoints: {@code GET /health} (and {@code /health/live}, {@code /health/ready}),
 * {@code GET /metrics} in Prometheus text format, and {@code POST /sync}, which needs a service-role JWT.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final int MAX_BODY_BYTES = 16 * 1024;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> new Thread(r, "usersync-http"));
    private final Supplier<List<StageHealth>> health;
    private final PrometheusMeterRegistry registry;
    private final JwtAuthenticator authenticator;
    private final SyncService sync;

    public OpsServer(int port, Supplier<List<StageHealth>> health, PrometheusMeterRegistry registry,
            JwtAuthenticator authenticator, SyncService sync) throws IOException {
        this.health = health;
        this.registry = registry;
        this.authenticator = authenticator;
        this.sync = sync;
        this.server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/health", exchange -> handle(exchange, this::health));
        server.createContext("/metrics", exchange -> handle(exchange, this::metrics));
        server.createContext("/sync", exchange -> handle(exchange, this::sync));
        server.setExecutor(executor);
        server.start();
        log.info("Operations endpoints on http://127.0.0.1:{} (/health, /metrics, /sync)", port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @FunctionalInterface
    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private static void handle(HttpExchange exchange, Handler handler) {
        try (exchange) {
            handler.handle(exchange);
        } catch (IOException | RuntimeException e) {
            log.warn("{} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e.toString());
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            error(exchange, 405, "use GET");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/health/live")) {
            json(exchange, 200, MAPPER.createObjectNode().put("status", "UP"));
            return;
        }
        if (!path.equals("/health") && !path.equals("/health/ready")) {
            error(exchange, 404, "not found");
            return;
        }
        List<StageHealth> stages = health.get();
        boolean up = stages.stream().allMatch(StageHealth::up);
        ObjectNode body = MAPPER.createObjectNode().put("status", up ? "UP" : "DOWN");
        ObjectNode perStage = body.putObject("stages");
        stages.forEach(stage -> perStage.putObject(stage.stage())
                .put("status", stage.up() ? "UP" : "DOWN")
                .put("reason", stage.reason()));
        json(exchange, up ? 200 : 503, body);
    }

    private void metrics(HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            error(exchange, 405, "use GET");
            return;
        }
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void sync(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            error(exchange, 405, "use POST");
            return;
        }
        JwtAuthenticator.Result auth = authenticator.authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        if (auth instanceof JwtAuthenticator.Result.Unauthenticated unauthenticated) {
            exchange.getResponseHeaders().set("WWW-Authenticate",
                    "Bearer realm=\"usersync\", error=\"invalid_token\", error_description=\"" + unauthenticated.reason()
                            .replace("\"", "'") + "\"");
            error(exchange, 401, unauthenticated.reason());
            return;
        }
        if (auth instanceof JwtAuthenticator.Result.Forbidden forbidden) {
            error(exchange, 403, forbidden.reason());
            return;
        }
        Optional<Duration> wait;
        try {
            wait = waitParameter(exchange.getRequestURI());
        } catch (IllegalArgumentException e) {
            error(exchange, 400, e.getMessage());
            return;
        }
        JsonNode body;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                error(exchange, 413, "body too large");
                return;
            }
            body = MAPPER.readTree(bytes);
        } catch (IOException e) {
            error(exchange, 400, "body is not JSON");
            return;
        }
        try {
            syncRequest(exchange, body, wait);
        } catch (SQLException e) {
            log.warn("/sync could not reach the database: SQL state {}", e.getSQLState());
            error(exchange, 503, "database unavailable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(exchange, 503, "interrupted");
        }
    }

    private void syncRequest(HttpExchange exchange, JsonNode body, Optional<Duration> wait)
            throws IOException, SQLException, InterruptedException {
        if (body != null && body.path("all").asBoolean(false) && !body.has("userId")) {
            if (wait.isPresent()) {
                error(exchange, 400, "wait is only for a single user");
                return;
            }
            String signal = sync.resyncAll();
            log.info("Resync of all users requested (signal {})", signal);
            json(exchange, 202, MAPPER.createObjectNode().put("status", "accepted").put("signal", signal));
            return;
        }
        UUID userId;
        try {
            userId = UUID.fromString(body == null ? "" : body.path("userId").asText(""));
        } catch (IllegalArgumentException e) {
            error(exchange, 400, "body must be {\"userId\": \"<uuid>\"} or {\"all\": true}");
            return;
        }
        if (!sync.exists(userId)) {
            error(exchange, 404, "no such user in auth.users");
            return;
        }
        Instant requested = Instant.now();
        String signal = sync.resyncUser(userId);
        log.info("Resync of user {} requested (signal {})", userId, signal);
        if (wait.isPresent()) {
            Optional<String> row = sync.awaitRow(userId, requested, wait.get());
            if (row.isPresent()) {
                byte[] bytes = row.get().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
                return;
            }
        }
        json(exchange, 202, MAPPER.createObjectNode().put("status", "accepted").put("signal", signal)
                .put("userId", userId.toString()));
    }

    /** {@code ?wait=5s} (or {@code 500ms}, {@code PT5S}), at most a minute. */
    static Optional<Duration> waitParameter(URI uri) {
        String query = uri.getRawQuery();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("wait=")) {
                Duration wait = Durations.parse(pair.substring(5));
                if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
                    throw new IllegalArgumentException("wait must be between 0 and 60s");
                }
                return Optional.of(wait);
            }
        }
        return Optional.empty();
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        json(exchange, status, MAPPER.createObjectNode().put("error", message));
    }

    private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
