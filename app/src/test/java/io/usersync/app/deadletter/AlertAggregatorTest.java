package io.usersync.app.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AlertAggregatorTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    private final AlertAggregator aggregator = new AlertAggregator(Duration.ofSeconds(60));

    private static DeadLetterRecord letter(String stage, String reason, String userId, Instant failedAt) {
        return new DeadLetterRecord("usersync.dlt", 0, 0, userId, new byte[0], stage, reason, "E", "m", "src", "0", "1", 1, failedAt, Map.of());
    }

    @Test
    void shouldAlertOnlyTheStagesAndReasonsWithAtLeastTheThresholdsDeadLettersInAWindow() {
        AlertAggregator threshold = new AlertAggregator(Duration.ofSeconds(60), 3);
        for (int i = 0; i < 3; i++) {
            threshold.add(letter("sink", "rejected-by-database", "user-" + i, T0), T0);
        }
        threshold.add(letter("stream-processor", "not-json", null, T0), T0);
        threshold.add(letter("stream-processor", "not-json", null, T0), T0);

        List<Alert> alerts = threshold.drain();

        assertThat(alerts).extracting(Alert::reason).containsExactly("rejected-by-database");
        assertThat(threshold.isEmpty()).isTrue();
    }

    @Test
    void shouldFoldABurstIntoOneAlertPerStageAndReasonWithItsCount() {
        for (int i = 0; i < 10_000; i++) {
            aggregator.add(letter("sink", "rejected-by-database", "user-" + i, T0.plusMillis(i)), T0);
        }
        aggregator.add(letter("stream-processor", "not-json", null, T0), T0);

        List<Alert> alerts = aggregator.drain();

        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(0).count()).isEqualTo(10_000);
        assertThat(alerts.get(0).firstSeen()).isEqualTo(T0);
        assertThat(alerts.get(0).lastSeen()).isEqualTo(T0.plusMillis(9_999));
        assertThat(alerts.get(0).userIds()).hasSize(5).startsWith("user-0");
        assertThat(alerts.get(1).count()).isEqualTo(1);
        assertThat(aggregator.isEmpty()).isTrue();
    }

    @Test
    void shouldBeDueOnlyOnceTheWindowHasPassedSinceTheFirstDeadLetter() {
        assertThat(aggregator.due(T0)).isFalse();
        aggregator.add(letter("sink", "r", "u", T0), T0);

        assertThat(aggregator.due(T0.plusSeconds(59))).isFalse();
        assertThat(aggregator.due(T0.plusSeconds(60))).isTrue();
    }

    @Test
    void shouldCarryOnlyIdsAndCountsInTheWebhookBody() {
        aggregator.add(letter("sink", "rejected-by-database", "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11", T0), T0);

        String body = aggregator.drain().get(0).webhookBody();

        assertThat(body).contains("\"text\"").contains("rejected-by-database").contains("6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11")
                .contains("\"title\":\"count\",\"value\":\"1\"");
    }
}
