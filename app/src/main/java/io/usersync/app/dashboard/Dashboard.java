package io.usersync.app.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.usersync.app.run.StageHealth;
import io.usersync.schemas.kafka.KafkaClientSettings;

/**
 * {@code GET /dashboard} (a page, its script and style, all from the jar) and {@code GET /metrics.json}, which
 * the page reads every second. The figures come from the process's registry, sampled once a second for rates,
 * and from the dead-letter topic; nothing on either is personal data: counts, durations, ids, stages, reasons,
 * topics and offsets.
 */
public final class Dashboard implements AutoCloseable {

    public static final String PAGE = "/dashboard";
    public static final String METRICS_JSON = "/metrics.json";
    static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);
    /** Five minutes of one-second samples. */
    static final int SAMPLES_KEPT = 300;
    static final int LATEST_DEAD_LETTERS = 10;
    static final String STAGE_UP = "usersync.stage.up";
    static final String LAST_SYNCED = "usersync.sync.last.synced.timestamp";

    private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Nothing but the app's own origin: no inline script, no other host, no framing. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record Asset(byte[] body, String contentType) {
    }

    private final Map<String, Asset> assets;
    private final DashboardMetrics metrics;
    private final SyncHistory history;
    private final DeadLetterFeed feed;
    private final ScheduledExecutorService sampler;

    /**
     * @param sinkClientId the sink consumer's client id, to tell its lag from the stream processor's
     * @param deadLetterTopic read from its beginning; null to show no dead letters (a process without Kafka)
     */
    public Dashboard(MeterRegistry registry, Supplier<List<StageHealth>> health, KafkaClientSettings kafka,
            String deadLetterTopic, String sinkClientId) {
        this.assets = Map.of(
                PAGE, asset("index.html", "text/html; charset=utf-8"),
                PAGE + "/dashboard.js", asset("dashboard.js", "text/javascript; charset=utf-8"),
                PAGE + "/dashboard.css", asset("dashboard.css", "text/css; charset=utf-8"));
        DeadLetterTally tally = new DeadLetterTally(LATEST_DEAD_LETTERS);
        this.history = new SyncHistory(SAMPLES_KEPT);
        this.metrics = new DashboardMetrics(registry, health, history, tally, sinkClientId, Clock.systemUTC());
        this.feed = deadLetterTopic == null ? null : new DeadLetterFeed(kafka, deadLetterTopic, tally, registry);
        this.sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "usersync-dashboard-sampler");
            thread.setDaemon(true);
            return thread;
        });
        history.add(metrics.sample());
        bindGauges(registry, health);
        sampler.scheduleAtFixedRate(this::sample, SAMPLE_INTERVAL.toMillis(), SAMPLE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        if (feed != null) {
            feed.start();
        }
    }

    /** Whether {@link #handle} answers this path. */
    public boolean handles(String path) {
        return path.equals(METRICS_JSON) || assets.containsKey(path) || path.equals(PAGE + "/");
    }

    public void handle(Request request, Response response, Callback callback, String path) {
        if (!"GET".equals(request.getMethod())) {
            write(response, callback, 405, "application/json", "{\"error\":\"use GET\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        if (path.equals(METRICS_JSON)) {
            byte[] body;
            try {
                body = MAPPER.writeValueAsBytes(metrics.snapshot());
            } catch (JsonProcessingException e) {
                callback.failed(e);
                return;
            }
            write(response, callback, 200, "application/json", body);
            return;
        }
        Asset asset = assets.get(path.equals(PAGE + "/") ? PAGE : path);
        response.getHeaders().put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        write(response, callback, 200, asset.contentType(), asset.body());
    }

    /**
     * What Prometheus needs besides the stages' own meters: each stage's health as 1 or 0 (what /health says), and
     * when this process last saw a user synced.
     */
    private void bindGauges(MeterRegistry registry, Supplier<List<StageHealth>> health) {
        for (StageHealth stage : health.get()) {
            String name = stage.stage();
            Gauge.builder(STAGE_UP, health, stages -> stages.get().stream().anyMatch(s -> s.stage().equals(name) && s.up()) ? 1 : 0)
                    .strongReference(true).tag("stage", name)
                    .description("1 while the stage reports UP on /health, else 0").register(registry);
        }
        Gauge.builder(LAST_SYNCED, history, h -> h.lastSyncedAt().map(at -> at.toEpochMilli() / 1000.0).orElse(Double.NaN))
                .strongReference(true).baseUnit("seconds")
                .description("When this process's sink last synced a user (epoch seconds, to the second)").register(registry);
    }

    private void sample() {
        try {
            history.add(metrics.sample());
        } catch (RuntimeException e) {
            // A failing sample must not end the schedule, which would freeze every rate on the dashboard.
            log.warn("Dashboard sample failed: {}", e.toString());
        }
    }

    private static void write(Response response, Callback callback, int status, String contentType, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static Asset asset(String name, String contentType) {
        try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource missing from the jar: " + name);
            }
            return new Asset(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        if (feed != null) {
            feed.close();
        }
    }
}
