package io.usersync.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class SyncHistoryTest {

    private static final Instant T0 = Instant.parse("2026-12-01T04:00:00Z");

    private static SyncHistory.Sample at(int second, double synced, double failed, double deadLetters) {
        return new SyncHistory.Sample(T0.plusSeconds(second), synced, failed, deadLetters);
    }

    @Test
    void shouldComputeSyncedPerSecondOverTheWindowOnly() {
        SyncHistory history = new SyncHistory(300);
        history.add(at(0, 0, 0, 0));
        history.add(at(10, 1000, 0, 0));
        history.add(at(20, 1100, 0, 0));

        assertThat(history.syncedPerSecond(Duration.ofSeconds(10))).contains(10.0);
        assertThat(history.syncedPerSecond(Duration.ofSeconds(20))).contains(55.0);
    }

    @Test
    void shouldHaveNoRateBeforeTheSecondSample() {
        SyncHistory history = new SyncHistory(300);
        history.add(at(0, 5, 0, 0));

        assertThat(history.syncedPerSecond(Duration.ofSeconds(10))).isEmpty();
        assertThat(history.increase(Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    void shouldReportTheIncreaseOfEveryCountOverTheLastMinute() {
        SyncHistory history = new SyncHistory(300);
        history.add(at(0, 100, 1, 2));
        history.add(at(30, 150, 1, 2));
        history.add(at(90, 400, 4, 7));

        assertThat(history.increase(Duration.ofMinutes(1))).contains(new SyncHistory.Sample(T0.plusSeconds(90), 250, 3, 5));
    }

    @Test
    void shouldDateTheLastSyncToTheSampleWhereTheCountLastGrew() {
        SyncHistory history = new SyncHistory(300);
        history.add(at(0, 10, 0, 0));
        assertThat(history.lastSyncedAt()).isEmpty();
        history.add(at(1, 12, 0, 0));
        history.add(at(2, 12, 0, 0));
        history.add(at(3, 12, 0, 0));

        assertThat(history.lastSyncedAt()).contains(T0.plusSeconds(1));
    }

    @Test
    void shouldKeepOnlyTheLatestSamples() {
        SyncHistory history = new SyncHistory(3);
        for (int second = 0; second < 10; second++) {
            history.add(at(second, second * 2, 0, 0));
        }

        assertThat(history.syncedPerSecondSeries()).containsExactly(2.0, 2.0);
        assertThat(history.latest()).map(SyncHistory.Sample::at).contains(T0.plusSeconds(9));
    }
}
