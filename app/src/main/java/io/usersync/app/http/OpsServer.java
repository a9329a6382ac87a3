package io.usersync.app.http;

import static io.usersync.app.http.JsonResponses.error;
import static io.usersync.app.http.JsonResponses.json;
import static io.usersync.app.http.JsonResponses.object;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
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

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.usersync.app.dashboard.Dashboard;
import io.usersync.app.run.StageHealth;

/**
 * The management endpoints: {@code GET /health} (and {@code /health/live}, {@code /health/ready}),
 * {@code GET /metrics} in Prometheus text format, {@code GET /dashboard} and {@code /metrics.json} (no token, like
 * /metrics: counts, durations and ids only), and {@code POST /sync}, which needs a service-role JWT.
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
    static final int HEALTH_THREADS = 4;
    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

    private final Server server;
    private final ServerConnector connector;
    private final Supplier<List<StageHealth>> health;
    private final PrometheusMeterRegistry registry;
    private final SyncEndpoint sync;
    private final Dashboard dashboard;

    public OpsServer(Config config, Supplier<List<StageHealth>> health, PrometheusMeterRegistry registry,
            JwtAuthenticator authenticator, SyncService sync) throws IOException {
        this(config, health, registry, authenticator, sync, null);
    }

    /** @param dashboard serves /dashboard and /metrics.json; null for none */
    public OpsServer(Config config, Supplier<List<StageHealth>> health, PrometheusMeterRegistry registry,
            JwtAuthenticator authenticator, SyncService sync, Dashboard dashboard) throws IOException {
        this.health = health;
        this.dashboard = dashboard;
        this.registry = registry;
        this.sync = new SyncEndpoint(config.maxConcurrentSyncs(), authenticator, sync);
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
        log.info("Operations endpoints on http://{}:{} (/health, /metrics, /sync{})", config.bindAddress(), port(),
                dashboard == null ? "" : ", " + Dashboard.PAGE + ", " + Dashboard.METRICS_JSON);
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
                sync.handle(request, response, callback);
            } else if (dashboard != null && dashboard.handles(path)) {
                dashboard.handle(request, response, callback, path);
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
            json(response, callback, 200, object().put("status", "UP"));
            return;
        }
        if (!path.equals("/health") && !path.equals("/health/ready")) {
            error(response, callback, 404, "not found");
            return;
        }
        List<StageHealth> stages = health.get();
        boolean up = stages.stream().allMatch(StageHealth::up);
        ObjectNode body = object().put("status", up ? "UP" : "DOWN");
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

    /** Errors Jetty answers itself (413 from the Content-Length, 400 for a malformed head, 431...) as JSON too. */
    private static boolean jettyError(Request request, Response response, Callback callback) {
        Object status = request.getAttribute(ErrorHandler.ERROR_STATUS);
        int code = status instanceof Integer number ? number : response.getStatus();
        error(response, callback, code, HttpStatus.getMessage(code));
        return true;
    }
}
