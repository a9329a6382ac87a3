package io.usersync.app.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RedriveRefusalTest {

    private static final Set<String> PIPELINE = Set.of("usersync.users.profiles");

    private static DeadLetterRecord letter(int attempt) {
        return new DeadLetterRecord("usersync.dlt", 0, 42, "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11", new byte[0], "sink",
                "rejected-by-database", "E", "m", "usersync.users.profiles", "0", "7", attempt, Instant.EPOCH, Map.of());
    }

    @Test
    void shouldRedriveADeadLetterRedrivenFewerTimesThanTheMaximum() {
        assertThat(Redrive.refusal(letter(3), PIPELINE, 3)).isNull();
    }

    @Test
    void shouldRefuseADeadLetterRedrivenTheMaximumNumberOfTimesAndNameTheSetting() {
        Redrive.Refusal refusal = Redrive.refusal(letter(4), PIPELINE, 3);

        assertThat(refusal).isNotNull();
        assertThat(refusal.why()).contains("redriven 3 times").contains("USERSYNC_DLT_MAX_REDRIVES");
    }
}
