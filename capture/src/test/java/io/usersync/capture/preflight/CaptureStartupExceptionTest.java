package io.usersync.capture.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class CaptureStartupExceptionTest {

    @Test
    void shouldNameEveryProblemInOneMessage() {
        CaptureStartupException exception = new CaptureStartupException(List.of("wal_level is replica", "slot in use"));

        assertThat(exception.getMessage()).isEqualTo("capture cannot start:\n  - wal_level is replica\n  - slot in use");
        assertThat(exception.problems()).containsExactly("wal_level is replica", "slot in use");
    }
}
