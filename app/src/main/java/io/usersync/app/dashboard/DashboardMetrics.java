package io.usersync.app.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.usersync.app.run.StageHealth;
import io.usersync.capture.LoadMeters;

/**
 * The body of {@code GET /metrics.json}: what the dashboard shows, read from the process's own Micrometer
 * registry, the stages' health, the sampled {@link SyncHistory} and the {@link DeadLetterTally}. Every figure
 * that this process cannot know (a stage it does not run, a metric not yet registered) is null.
 */
final class DashboardMetrics {

    static final String ROWS_UPSERTED = "usersync.sink.rows.upserted";
    static final String ROWS_DELETED = "usersync.sink.rows.deleted";
    static final String SINK_DEAD_LETTERS = "usersync.sink.dead.letters";
    static final String PROCESSOR_DEAD_LETTERS = "usersync.processor.dead.letters";
    static final String SYNC_LATENCY = "usersync.sync.latency";
    static final String SINK_BATCH_WRITE = "usersync.sink.batch.write";
    static final String SLOT_LAG = "usersync.capture.slot.lag";
    static final String PROCESS_LATENCY_AVG = "kafka.stream.thread.process.latency.avg";
    static final String PROCESS_LATENCY_MAX = "kafka.stream.thread.process.latency.max";
    static final String CONSUMER_LAG_MAX = "kafka.consumer.fetch.manager.records.lag.max";
    /** Kafka Streams names its main consumers {@code <client>-StreamThread-<n>-consumer}; restore and global ones differ. */
    static final Pattern STREAM_THREAD_CONSUMER = Pattern.compile(".*-StreamThread-\\d+-consumer");

    static final Duration RATE_WINDOW = Duration.ofSeconds(10);
    static final Duration MINUTE = Duration.ofMinutes(1);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final MeterRegistry registry;
    private final Supplier<List<StageHealth>> health;
    private final SyncHistory history;
    private final DeadLetterTally deadLetters;
    private final String sinkClientId;
    private final Clock clock;

    /** @param sinkClientId the sink consumer's client id (its group id), to tell its lag from the stream processor's */
    DashboardMetrics(MeterRegistry registry, Supplier<List<StageHealth>> health, SyncHistory history,
            DeadLetterTally deadLetters, String sinkClientId, Clock clock) {
        this.registry = registry;
        this.health = health;
        this.history = history;
        this.deadLetters = deadLetters;
        this.sinkClientId = sinkClientId;
        this.clock = clock;
    }

    /** The cumulative counts the history samples: taken once per tick. */
    SyncHistory.Sample sample() {
        return new SyncHistory.Sample(clock.instant(), synced().orElse(0), failed(), deadLetters.total());
    }

    ObjectNode snapshot() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        ObjectNode body = MAPPER.createObjectNode();
        body.put("generatedAt", now.toString());
        body.put("generatedAtMs", now.toEpochMilli());
        health(body);
        synced(body, now);
        latency(body.putObject("latency"));
        ObjectNode lag = body.putObject("consumerLag");
        putOrNull(lag, "process", consumerLag(true));
        putOrNull(lag, "sink", consumerLag(false));
        putOrNull(body, "replicationSlotLagBytes", gauge(SLOT_LAG));
        initialLoad(body.putObject("initialLoad"));
        deadLetters(body.putObject("deadLetters"));
        ObjectNode chart = body.putObject("history");
        chart.put("intervalSeconds", Dashboard.SAMPLE_INTERVAL.toSeconds());
        ArrayNode series = chart.putArray("syncedPerSecond");
        history.syncedPerSecondSeries().forEach(value -> series.add(round(value, 2)));
        return body;
    }

    private void health(ObjectNode body) {
        List<StageHealth> stages = health.get();
        body.put("status", stages.stream().allMatch(StageHealth::up) ? "UP" : "DOWN");
        ArrayNode array = body.putArray("stages");
        stages.forEach(stage -> array.addObject().put("stage", stage.stage()).put("status", stage.up() ? "UP" : "DOWN")
                .put("reason", stage.reason()));
    }

    private void synced(ObjectNode body, Instant now) {
        OptionalDouble total = synced();
        ObjectNode synced = body.putObject("synced");
        ObjectNode success = body.putObject("successRate");
        if (total.isEmpty()) {
            Stream.of("total", "perSecond", "lastMinute", "lastSyncedAt", "secondsSinceLastSync")
                    .forEach(synced::putNull);
            success.putNull("lastMinutePercent");
            success.putNull("sinceStartPercent");
            return;
        }
        synced.put("total", (long) total.getAsDouble());
        putOrNull(synced, "perSecond", history.syncedPerSecond(RATE_WINDOW).map(rate -> round(rate, 1)).orElse(null));
        SyncHistory.Sample minute = history.increase(MINUTE).orElse(null);
        putOrNull(synced, "lastMinute", minute == null ? null : (double) Math.round(minute.synced()));
        Instant last = history.lastSyncedAt().orElse(null);
        synced.put("lastSyncedAt", last == null ? null : last.toString());
        putOrNull(synced, "secondsSinceLastSync",
                last == null ? null : round(Math.max(0, Duration.between(last, now).toMillis()) / 1000.0, 0));
        putOrNull(success, "lastMinutePercent", minute == null ? null : percent(minute.synced(), minute.failed()));
        putOrNull(success, "sinceStartPercent", percent(total.getAsDouble(), failed()));
    }

    private void latency(ObjectNode latency) {
        ObjectNode commitToRow = latency.putObject("commitToRowMs");
        Timer timer = registry.find(SYNC_LATENCY).timer();
        Double p50 = null;
        Double p99 = null;
        if (timer != null) {
            for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
                if (value.percentile() == 0.5) {
                    p50 = round(value.value(TimeUnit.MILLISECONDS), 1);
                } else if (value.percentile() == 0.99) {
                    p99 = round(value.value(TimeUnit.MILLISECONDS), 1);
                }
            }
        }
        putOrNull(commitToRow, "p50", p50);
        putOrNull(commitToRow, "p99", p99);
        putOrNull(commitToRow, "count", timer == null ? null : (double) timer.count());
        ObjectNode stages = latency.putObject("stages");
        ObjectNode process = stages.putObject("process");
        putOrNull(process, "recordAvgMs", roundOrNull(gaugeAverage(PROCESS_LATENCY_AVG), 2));
        putOrNull(process, "recordMaxMs", roundOrNull(gauge(PROCESS_LATENCY_MAX), 1));
        ObjectNode sink = stages.putObject("sink");
        Timer batch = registry.find(SINK_BATCH_WRITE).timer();
        putOrNull(sink, "batchWriteMeanMs", batch == null || batch.count() == 0 ? null : round(batch.mean(TimeUnit.MILLISECONDS), 1));
        putOrNull(sink, "batchWriteMaxMs", batch == null ? null : round(batch.max(TimeUnit.MILLISECONDS), 1));
    }

    /**
     * The initial load of auth.users by this process's capture: {@code state} is running, done (its figures those of
     * the last load), none (no load since this capture started), or null when this process runs no active capture.
     */
    private void initialLoad(ObjectNode load) {
        Double running = gauge(LoadMeters.RUNNING);
        Double loaded = gauge(LoadMeters.LOADED);
        Double total = gauge(LoadMeters.TOTAL);
        String state = running == null ? null : running > 0 ? "running" : loaded != null && loaded > 0 ? "done" : "none";
        load.put("state", state);
        putOrNull(load, "loaded", loaded);
        putOrNull(load, "total", total);
        putOrNull(load, "percent", loaded == null || total == null || total <= 0 ? null : round(Math.min(100, 100 * loaded / total), 1));
        putOrNull(load, "perSecond", roundOrNull(gauge(LoadMeters.PER_SECOND), 0));
        putOrNull(load, "secondsLeft", roundOrNull(gauge(LoadMeters.SECONDS_LEFT), 0));
    }

    private void deadLetters(ObjectNode body) {
        body.put("total", deadLetters.total());
        putOrNull(body, "lastMinute", history.increase(MINUTE).map(minute -> (double) Math.round(minute.deadLetters())).orElse(null));
        ArrayNode counts = body.putArray("byStageAndReason");
        deadLetters.counts().forEach(count -> counts.addObject().put("stage", count.stage()).put("reason", count.reason())
                .put("count", count.count()));
        ArrayNode latest = body.putArray("latest");
        for (DeadLetterSummary letter : deadLetters.latest()) {
            latest.addObject()
                    .put("id", letter.id())
                    .put("stage", letter.stage())
                    .put("reason", letter.reason())
                    .put("errorClass", letter.errorClass())
                    .put("sourceTopic", letter.sourceTopic())
                    .put("sourcePartition", letter.sourcePartition())
                    .put("sourceOffset", letter.sourceOffset())
                    .put("userId", letter.userId())
                    .put("failedAt", letter.failedAt().toString());
        }
    }

    /** Users synced: rows the sink wrote or deleted; empty when this process runs no sink. */
    private OptionalDouble synced() {
        Counter upserted = registry.find(ROWS_UPSERTED).counter();
        Counter deleted = registry.find(ROWS_DELETED).counter();
        if (upserted == null && deleted == null) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((upserted == null ? 0 : upserted.count()) + (deleted == null ? 0 : deleted.count()));
    }

    /** Inputs the stream processor or the sink of this process sent to the dead letters: syncs that failed. */
    private double failed() {
        return Stream.concat(registry.find(PROCESSOR_DEAD_LETTERS).counters().stream(),
                registry.find(SINK_DEAD_LETTERS).counters().stream()).mapToDouble(Counter::count).sum();
    }

    /** The largest partition lag of the stream threads' consumers, or of the sink's consumer. */
    private Double consumerLag(boolean processor) {
        OptionalDouble lag = registry.find(CONSUMER_LAG_MAX).gauges().stream()
                .filter(gauge -> {
                    String client = gauge.getId().getTag("client.id");
                    return client != null && (processor ? STREAM_THREAD_CONSUMER.matcher(client).matches() : client.equals(sinkClientId));
                })
                .mapToDouble(Gauge::value).filter(Double::isFinite).max();
        return lag.isPresent() ? lag.getAsDouble() : null;
    }

    private Double gauge(String name) {
        OptionalDouble value = registry.find(name).gauges().stream().mapToDouble(Gauge::value).filter(Double::isFinite).max();
        return value.isPresent() ? value.getAsDouble() : null;
    }

    private Double gaugeAverage(String name) {
        OptionalDouble value = registry.find(name).gauges().stream().mapToDouble(Gauge::value).filter(Double::isFinite).average();
        return value.isPresent() ? value.getAsDouble() : null;
    }

    private static Double percent(double synced, double failed) {
        double attempts = synced + failed;
        return attempts <= 0 ? null : round(100.0 * synced / attempts, 2);
    }

    private static Double roundOrNull(Double value, int decimals) {
        return value == null ? null : round(value, decimals);
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** Whole numbers are written as integers, so the page and a reader see {@code 12}, not {@code 12.0}. */
    private static void putOrNull(ObjectNode node, String field, Double value) {
        if (value == null) {
            node.putNull(field);
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            node.put(field, value.longValue());
        } else {
            node.put(field, value);
        }
    }
}
