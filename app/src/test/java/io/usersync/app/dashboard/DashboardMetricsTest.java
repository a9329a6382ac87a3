package io.usersync.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.usersync.app.run.StageHealth;
import io.usersync.capture.LoadMeters;

class DashboardMetricsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T04:00:30Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SyncHistory history = new SyncHistory(300);
    private final DeadLetterTally tally = new DeadLetterTally(10);

    private DashboardMetrics metrics(List<StageHealth> health) {
        return new DashboardMetrics(registry, () -> health, history, tally, "usersync-sink", Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void shouldReportRatesSuccessAndLastSyncFromTheSampledCounters() {
        history.add(new SyncHistory.Sample(NOW.minusSeconds(20), 100, 0, 0));
        history.add(new SyncHistory.Sample(NOW.minusSeconds(10), 100, 0, 0));
        history.add(new SyncHistory.Sample(NOW.minusSeconds(5), 300, 2, 2));
        history.add(new SyncHistory.Sample(NOW, 300, 2, 2));
        Counter.builder(DashboardMetrics.ROWS_UPSERTED).register(registry).increment(290);
        Counter.builder(DashboardMetrics.ROWS_DELETED).register(registry).increment(10);
        Counter.builder(DashboardMetrics.PROCESSOR_DEAD_LETTERS).tag("reason", "not-json").register(registry).increment(2);

        JsonNode body = metrics(List.of(new StageHealth("sink", true, "writing"))).snapshot();

        assertThat(body.at("/synced/total").asLong()).isEqualTo(300);
        assertThat(body.at("/synced/perSecond").asDouble()).isEqualTo(20.0);
        assertThat(body.at("/synced/lastMinute").asLong()).isEqualTo(200);
        assertThat(body.at("/synced/lastSyncedAt").asText()).isEqualTo(NOW.minusSeconds(5).toString());
        assertThat(body.at("/synced/secondsSinceLastSync").asLong()).isEqualTo(5);
        assertThat(body.at("/successRate/lastMinutePercent").asDouble()).isEqualTo(99.01);
        assertThat(body.at("/successRate/sinceStartPercent").asDouble()).isEqualTo(99.34);
    }

    @Test
    void shouldShowTheInitialLoadAsCaptureCountsIt() {
        gauge(LoadMeters.RUNNING, 1);
        gauge(LoadMeters.LOADED, 12_000);
        gauge(LoadMeters.TOTAL, 48_000);
        gauge(LoadMeters.PER_SECOND, 3_999.6);
        gauge(LoadMeters.SECONDS_LEFT, 9.04);

        JsonNode load = metrics(List.of()).snapshot().get("initialLoad");

        assertThat(load.get("state").asText()).isEqualTo("running");
        assertThat(load.get("loaded").asLong()).isEqualTo(12_000);
        assertThat(load.get("total").asLong()).isEqualTo(48_000);
        assertThat(load.get("percent").asDouble()).isEqualTo(25.0);
        assertThat(load.get("perSecond").asLong()).isEqualTo(4_000);
        assertThat(load.get("secondsLeft").asLong()).isEqualTo(9);
    }

    @Test
    void shouldShowALoadThatEndedAsDoneWithoutRateOrTimeLeft() {
        gauge(LoadMeters.RUNNING, 0);
        gauge(LoadMeters.LOADED, 48_000);
        gauge(LoadMeters.TOTAL, 48_000);
        gauge(LoadMeters.PER_SECOND, Double.NaN);
        gauge(LoadMeters.SECONDS_LEFT, Double.NaN);

        JsonNode load = metrics(List.of()).snapshot().get("initialLoad");

        assertThat(load.get("state").asText()).isEqualTo("done");
        assertThat(load.get("percent").asDouble()).isEqualTo(100.0);
        assertThat(load.get("perSecond").isNull()).isTrue();
        assertThat(load.get("secondsLeft").isNull()).isTrue();
    }

    private void gauge(String name, double value) {
        Gauge.builder(name, () -> value).register(registry);
    }

    @Test
    void shouldReportDownWhenAnyStageIsDownWithEachStagesReason() {
        JsonNode body = metrics(List.of(new StageHealth("capture", true, "streaming"),
                new StageHealth("sink", false, "database unavailable"))).snapshot();

        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.at("/stages/1/stage").asText()).isEqualTo("sink");
        assertThat(body.at("/stages/1/status").asText()).isEqualTo("DOWN");
        assertThat(body.at("/stages/1/reason").asText()).isEqualTo("database unavailable");
    }

    @Test
    void shouldTellTheStreamThreadsLagFromTheSinksAndIgnoreRestoreAndGlobalConsumers() {
        lag("usersync-processor-1b2c-StreamThread-1-consumer", 7);
        lag("usersync-processor-1b2c-StreamThread-2-consumer", 12);
        lag("usersync-processor-1b2c-StateUpdater-1-restore-consumer", 900);
        lag("usersync-processor-1b2c-global-consumer", 800);
        lag("usersync-sink", 3);

        JsonNode body = metrics(List.of()).snapshot();

        assertThat(body.at("/consumerLag/process").asLong()).isEqualTo(12);
        assertThat(body.at("/consumerLag/sink").asLong()).isEqualTo(3);
    }

    @Test
    void shouldGiveNullForWhatThisProcessDoesNotRun() {
        JsonNode body = metrics(List.of(new StageHealth("capture", true, "streaming"))).snapshot();

        assertThat(body.at("/synced/total").isNull()).isTrue();
        assertThat(body.at("/successRate/sinceStartPercent").isNull()).isTrue();
        assertThat(body.at("/consumerLag/sink").isNull()).isTrue();
        assertThat(body.at("/replicationSlotLagBytes").isNull()).isTrue();
        assertThat(body.at("/latency/commitToRowMs/p99").isNull()).isTrue();
        assertThat(body.at("/initialLoad/state").isNull()).isTrue();
        assertThat(body.at("/initialLoad/loaded").isNull()).isTrue();
    }

    @Test
    void shouldListDeadLettersWithIdsStageReasonAndSourceOnly() {
        tally.add(new DeadLetterSummary("0:4", "stream-processor", "unreadable-metadata", "JsonParseException",
                "usersync.auth.users.cdc", "0", "17", "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11", Instant.EPOCH));

        JsonNode letter = metrics(List.of()).snapshot().at("/deadLetters/latest/0");

        assertThat(letter.fieldNames()).toIterable().containsExactlyInAnyOrder("id", "stage", "reason", "errorClass",
                "sourceTopic", "sourcePartition", "sourceOffset", "userId", "failedAt");
        assertThat(letter.get("sourceOffset").asText()).isEqualTo("17");
    }

    private void lag(String clientId, double records) {
        Gauge.builder(DashboardMetrics.CONSUMER_LAG_MAX, () -> records).tag("client.id", clientId).register(registry);
    }
}
