package io.usersync.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ErasureBoundTest {

    @Test
    void shouldCompactATopicKeyedByUserIdWithinHalfTheBound() {
        assertThat(new ErasureBound(Duration.ofHours(24)).compacted())
                .containsEntry("cleanup.policy", "compact")
                .containsEntry("max.compaction.lag.ms", Long.toString(Duration.ofHours(12).toMillis()))
                .containsEntry("file.delete.delay.ms", "60000")
                .doesNotContainKey("retention.ms");
    }

    @Test
    void shouldDeleteAnEventWithItsSegmentWithinElevenSixteenthsOfTheBound() {
        assertThat(new ErasureBound(Duration.ofHours(24)).expiring())
                .containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", Long.toString(Duration.ofHours(12).toMillis()))
                .containsEntry("segment.ms", Long.toString(Duration.ofHours(3).toMillis()));
    }

    @Test
    void shouldCleanAChangelogKeyedByANameAQuarterOfTheBoundAndDropItsTombstonesAnEighthAfter() {
        assertThat(new ErasureBound(Duration.ofHours(24)).keyedByName())
                .containsEntry("cleanup.policy", "compact")
                .containsEntry("max.compaction.lag.ms", Long.toString(Duration.ofHours(6).toMillis()))
                .containsEntry("delete.retention.ms", Long.toString(Duration.ofHours(3).toMillis()));
    }

    @Test
    void shouldRollASegmentOfATopicPurgedBelowAnOffsetEveryEighthAndKeepItsOwnRetention() {
        ErasureBound bound = new ErasureBound(Duration.ofHours(24));
        assertThat(bound.purged()).containsEntry("segment.ms", Long.toString(Duration.ofHours(3).toMillis()))
                .doesNotContainKeys("retention.ms", "cleanup.policy");
        assertThat(bound.purged(Duration.ofDays(30))).containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", Long.toString(Duration.ofDays(30).toMillis()))
                .containsEntry("segment.ms", Long.toString(Duration.ofHours(3).toMillis()));
    }

    @Test
    void shouldRemoveReplacedFilesWithinASixteenthOfAShortBound() {
        assertThat(new ErasureBound(Duration.ofSeconds(40)).compacted()).containsEntry("file.delete.delay.ms", "2500");
    }

    @Test
    void shouldRefuseABoundShorterThanTheBrokersOwnChecksOrLongerThanThirtyDays() {
        assertThatThrownBy(() -> new ErasureBound(Duration.ofSeconds(9))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ErasureBound(Duration.ofDays(31))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ErasureBound(Duration.ofSeconds(10)).bound()).isEqualTo(Duration.ofSeconds(10));
    }
}
