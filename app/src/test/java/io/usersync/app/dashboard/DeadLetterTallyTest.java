package io.usersync.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class DeadLetterTallyTest {

    private static DeadLetterSummary letter(int offset, String stage, String reason) {
        return new DeadLetterSummary("0:" + offset, stage, reason, "IllegalArgumentException", "usersync.auth.users.cdc",
                "0", Integer.toString(offset), null, Instant.EPOCH);
    }

    @Test
    void shouldCountByStageAndReasonLargestFirst() {
        DeadLetterTally tally = new DeadLetterTally(10);
        tally.add(letter(1, "sink", "rejected-by-database"));
        tally.add(letter(2, "stream-processor", "not-json"));
        tally.add(letter(3, "stream-processor", "not-json"));

        assertThat(tally.counts()).containsExactly(new DeadLetterTally.Count("stream-processor", "not-json", 2),
                new DeadLetterTally.Count("sink", "rejected-by-database", 1));
        assertThat(tally.total()).isEqualTo(3);
    }

    @Test
    void shouldKeepTheLatestFewNewestFirst() {
        DeadLetterTally tally = new DeadLetterTally(2);
        for (int offset = 0; offset < 5; offset++) {
            tally.add(letter(offset, "sink", "not-a-profile"));
        }

        assertThat(tally.latest()).extracting(DeadLetterSummary::id).containsExactly("0:4", "0:3");
        assertThat(tally.total()).isEqualTo(5);
    }

    @Test
    void shouldShowAKeyOnlyWhenItIsAUserId() {
        assertThat(DeadLetterSummary.userIdOrNull("6A1F4A5E-2F0E-4C37-9D0C-3F1D0E6B7A11"))
                .isEqualTo("6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11");
        assertThat(DeadLetterSummary.userIdOrNull("alice@example.com")).isNull();
        assertThat(DeadLetterSummary.userIdOrNull("1-1-1-1-1")).isNull();
        assertThat(DeadLetterSummary.userIdOrNull(null)).isNull();
    }
}
