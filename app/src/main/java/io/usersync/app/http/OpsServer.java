package io.usersync.app.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.usersync.app.config.Durations;
import io.usersync.app.run.StageHealth;

/**
 * The management endpoints: {@code GET /health} (and {@code /health/live}, {@code /health/ready}),
 * {@code GET /metrics} in Prometheus text format, and {@code POST /sync}, which needs a service-role JWT.
 *
 * <p>Jetty rather than the JDK's HttpServer: the JDK server reads a request head on a worker thread and has
 * no read timeout, so a few clients that send half a request leave /health unanswered. Jetty parses heads
 * on its selector without taking a thread, closes a connection whose head or body stalls for the read
 * timeout, and answers 413 from the Content-Length alone. /sync is the one endpoint that blocks (database,
 * {@code ?wait=}): it gets at most {@code maxConcurrentSyncs} threads, and the pool always keeps
 * {@link #HEALTH_THREADS} more, so health and metrics stay answerable whatever /sync callers do.
 */
public final class OpsServer implements AutoCloseable {

    /**
     * @param bindAddress        where to listen; loopback unless every interface is wanted (a container)
     * @param port               0 for any free port
     * @param readTimeout        a connection whose request head or body stalls this long is closed
     * @param maxConcurrentSyncs /sync requests served at once; the next gets 503 with Retry-After
     */
    public record Config(String bindAddress, int port, Duration readTimeout, int maxConcurrentSyncs) {
    }

    static final int MAX_BODY_BYTES = 16 * 1024;
    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    static final int HEALTH_THREADS = 4;
    private static final int RETRY_AFTER_SECONDS = 1;
    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Server server;
    private final ServerConnector connector;
    private final Semaphore syncPermits;
    private final Supplier<List<StageHealth>> health;
    private final PrometheusMeterRegistry registry;
    private final JwtAuthenticator authenticator;
    private final SyncService sync;

    public OpsServer(Config config, Supplier<List<StageHealth>> health, PrometheusMeterRegistry registry,
            JwtAuthenticator authenticator, SyncService sync) throws IOException {
        this.health = health;
        this.registry = registry;
        this.authenticator = authenticator;
        this.sync = sync;
        this.syncPermits = new Semaphore(config.maxConcurrentSyncs());
        // One acceptor and one selector thread, the /sync permits, and the threads kept for health.
        QueuedThreadPool threads = new QueuedThreadPool(2 + config.maxConcurrentSyncs() + HEALTH_THREADS, 2);
        threads.setName("usersync-http");
        threads.setReservedThreads(0);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(config.bindAddress());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.readTimeout().toMillis());
        server.addConnector(connector);
        server.setHandler(new SizeLimitHandler(MAX_BODY_BYTES, -1) {
            {
                setHandler(new Handler.Abstract() {
                    @Override
                    public boolean handle(Request request, Response response, Callback callback) {
                        route(request, response, callback);
                        return true;
                    }
                });
            }
        });
        server.setErrorHandler(OpsServer::jettyError);
        try {
            server.start();
        } catch (IOException e) {
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new IOException("cannot start the HTTP server on " + config.bindAddress() + ":" + config.port(), e);
        }
        log.info("Operations endpoints on http://{}:{} (/health, /metrics, /sync)", config.bindAddress(), port());
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The address and port the server listens on. */
    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), port());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("HTTP server did not stop cleanly: {}", e.toString());
        }
    }

    private void route(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        try {
            if (path.equals("/health") || path.startsWith("/health/")) {
                health(request, response, callback, path);
            } else if (path.equals("/metrics")) {
                metrics(request, response, callback);
            } else if (path.equals("/sync")) {
                sync(request, response, callback);
            } else {
                error(response, callback, 404, "not found");
            }
        } catch (IOException | RuntimeException e) {
            log.warn("{} {} failed: {}", request.getMethod(), path, e.toString());
            if (!response.isCommitted()) {
                error(response, callback, 500, "internal error");
            } else {
                callback.failed(e);
            }
        }
    }

    private void health(Request request, Response response, Callback callback, String path) throws IOException {
        if (!"GET".equals(request.getMethod())) {
            error(response, callback, 405, "use GET");
            return;
        }
        if (path.equals("/health/live")) {
            json(response, callback, 200, MAPPER.createObjectNode().put("status", "UP"));
            return;
        }
        if (!path.equals("/health") && !path.equals("/health/ready")) {
            error(response, callback, 404, "not found");
            return;
        }
        List<StageHealth> stages = health.get();
        boolean up = stages.stream().allMatch(StageHealth::up);
        ObjectNode body = MAPPER.createObjectNode().put("status", up ? "UP" : "DOWN");
        ObjectNode perStage = body.putObject("stages");
        stages.forEach(stage -> perStage.putObject(stage.stage())
                .put("status", stage.up() ? "UP" : "DOWN")
                .put("reason", stage.reason()));
        json(response, callback, up ? 200 : 503, body);
    }

    private void metrics(Request request, Response response, Callback callback) {
        if (!"GET".equals(request.getMethod())) {
            error(response, callback, 405, "use GET");
            return;
        }
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private void sync(Request request, Response response, Callback callback) throws IOException {
        if (!"POST".equals(request.getMethod())) {
            error(response, callback, 405, "use POST");
            return;
        }
        // Authentication needs only the head: nobody without a valid token makes the server read a body or
        // take a /sync permit.
        JwtAuthenticator.Result auth = authenticator.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION));
        if (auth instanceof JwtAuthenticator.Result.Unauthenticated unauthenticated) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE,
                    "Bearer realm=\"usersync\", error=\"invalid_token\", error_description=\"" + unauthenticated.reason() + "\"");
            error(response, callback, 401, unauthenticated.reason());
            return;
        }
        if (auth instanceof JwtAuthenticator.Result.Forbidden forbidden) {
            error(response, callback, 403, forbidden.reason());
            return;
        }
        Optional<Duration> wait;
        try {
            wait = waitParameter(Request.extractQueryParameters(request).getValue("wait"));
        } catch (IllegalArgumentException e) {
            error(response, callback, 400, e.getMessage());
            return;
        }
        if (!syncPermits.tryAcquire()) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
            error(response, callback, 503, "too many /sync requests at once; retry");
            return;
        }
        try {
            JsonNode body = body(request, response, callback);
            if (body != null) {
                syncRequest(request, response, callback, body, wait);
            }
        } catch (SQLException e) {
            log.warn("/sync could not reach the database: SQL state {}", e.getSQLState());
            error(response, callback, 503, "database unavailable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(response, callback, 503, "interrupted");
        } finally {
            syncPermits.release();
        }
    }

    /** The JSON body, or null once an error has been answered. */
    private static JsonNode body(Request request, Response response, Callback callback) throws InterruptedException {
        byte[] bytes;
        try {
            // Bounded twice: SizeLimitHandler refuses a larger Content-Length before anything is read, and
            // fails a chunked body as it passes the limit; a stalled body fails at the read timeout.
            bytes = Content.Source.asByteArrayAsync(request, MAX_BODY_BYTES).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpException http && http.getCode() == 413
                    || cause instanceof IllegalStateException) {
                error(response, callback, 413, "body too large (at most " + MAX_BODY_BYTES + " bytes)");
            } else if (cause instanceof TimeoutException) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                error(response, callback, 408, "request body not received in time");
            } else {
                callback.failed(cause);
            }
            return null;
        }
        if (bytes.length == 0) {
            return MAPPER.nullNode();
        }
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            error(response, callback, 400, "body is not JSON");
            return null;
        }
    }

    private void syncRequest(Request request, Response response, Callback callback, JsonNode body,
            Optional<Duration> wait) throws IOException, SQLException, InterruptedException {
        if (body.path("all").asBoolean(false) && !body.has("userId")) {
            if (wait.isPresent()) {
                error(response, callback, 400, "wait is only for a single user");
                return;
            }
            String signal = sync.resyncAll();
            log.info("Resync of all users requested (signal {})", signal);
            json(response, callback, 202, MAPPER.createObjectNode().put("status", "accepted").put("signal", signal));
            return;
        }
        UUID userId;
        try {
            userId = UUID.fromString(body.path("userId").asText(""));
        } catch (IllegalArgumentException e) {
            error(response, callback, 400, "body must be {\"userId\": \"<uuid>\"} or {\"all\": true}");
            return;
        }
        if (!sync.exists(userId)) {
            error(response, callback, 404, "no such user in auth.users");
            return;
        }
        Instant requested = Instant.now();
        String signal = sync.resyncUser(userId);
        log.info("Resync of user {} requested (signal {})", userId, signal);
        if (wait.isPresent()) {
            // Waiting is not stalling: the read timeout must not end a request that is waiting for its row.
            request.addIdleTimeoutListener(timeout -> false);
            Optional<String> row = sync.awaitRow(userId, requested, wait.get());
            if (row.isPresent()) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.write(true, ByteBuffer.wrap(row.get().getBytes(StandardCharsets.UTF_8)), callback);
                return;
            }
        }
        json(response, callback, 202, MAPPER.createObjectNode().put("status", "accepted").put("signal", signal)
                .put("userId", userId.toString()));
    }

    /** {@code ?wait=5s} (or {@code 500ms}, {@code PT5S}), from 0 to {@link #MAX_WAIT}; anything else is refused. */
    static Optional<Duration> waitParameter(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Duration wait = Durations.parse(value);
        if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("wait must be between 0 and " + MAX_WAIT.toSeconds() + "s");
        }
        return Optional.of(wait);
    }

    /** Errors Jetty answers itself (413 from the Content-Length, 400 for a malformed head, 431...) as JSON too. */
    private static boolean jettyError(Request request, Response response, Callback callback) {
        Object status = request.getAttribute(ErrorHandler.ERROR_STATUS);
        int code = status instanceof Integer number ? number : response.getStatus();
        error(response, callback, code, HttpStatus.getMessage(code));
        return true;
    }

    private static void error(Response response, Callback callback, int status, String message) {
        json(response, callback, status, MAPPER.createObjectNode().put("error", message));
    }

    private static void json(Response response, Callback callback, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            callback.failed(e);
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
