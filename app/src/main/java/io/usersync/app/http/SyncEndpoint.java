package io.usersync.app.http;

import static io.usersync.app.http.JsonResponses.error;
import static io.usersync.app.http.JsonResponses.json;
import static io.usersync.app.http.JsonResponses.object;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import io.usersync.app.config.Durations;

/**
 * {@code POST /sync}: resync one user (optionally waiting for the row with {@code ?wait=}) or all users,
 * for a caller with a service-role JWT. The one endpoint that blocks, so at most {@code maxConcurrentSyncs}
 * requests are served at once; the next gets 503 with Retry-After.
 */
final class SyncEndpoint {

    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final int RETRY_AFTER_SECONDS = 1;
    private static final Logger log = LoggerFactory.getLogger(SyncEndpoint.class);

    private final Semaphore syncPermits;
    private final JwtAuthenticator authenticator;
    private final SyncService sync;

    SyncEndpoint(int maxConcurrentSyncs, JwtAuthenticator authenticator, SyncService sync) {
        this.syncPermits = new Semaphore(maxConcurrentSyncs);
        this.authenticator = authenticator;
        this.sync = sync;
    }

    /** Answers one /sync request. */
    void handle(Request request, Response response, Callback callback) throws IOException {
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
            bytes = Content.Source.asByteArrayAsync(request, OpsServer.MAX_BODY_BYTES).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpException http && http.getCode() == 413
                    || cause instanceof IllegalStateException) {
                error(response, callback, 413, "body too large (at most " + OpsServer.MAX_BODY_BYTES + " bytes)");
            } else if (cause instanceof TimeoutException) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                error(response, callback, 408, "request body not received in time");
            } else {
                callback.failed(cause);
            }
            return null;
        }
        if (bytes.length == 0) {
            return JsonResponses.MAPPER.nullNode();
        }
        try {
            return JsonResponses.MAPPER.readTree(bytes);
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
            json(response, callback, 202, object().put("status", "accepted").put("signal", signal));
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
        json(response, callback, 202, object().put("status", "accepted").put("signal", signal)
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
}
