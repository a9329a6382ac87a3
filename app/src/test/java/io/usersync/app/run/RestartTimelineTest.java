package io.usersync.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartTimelineTest {

    private static final Instant PROCESS_START = Instant.parse("2026-12-01T03:00:00Z");

    private final AtomicReference<Instant> now = new AtomicReference<>(PROCESS_START.plusMillis(600));

    @Test
    void shouldCallAStartAfterARunThatNeverStoppedARecoveryAndNameEachStep(@TempDir Path dataDir) {
        RestartTimeline crashed = RestartTimeline.begin(dataDir, PROCESS_START, now::get);
        assertThat(crashed.afterCrash()).isFalse();
        // no close(): the process was killed

        RestartTimeline restarted = RestartTimeline.begin(dataDir, PROCESS_START, now::get);
        advance(Duration.ofMillis(2_400));
        restarted.step("embedded servers");
        advance(Duration.ofMillis(1_000));
        restarted.step("stages started");

        assertThat(restarted.afterCrash()).isTrue();
        assertThat(restarted.line())
                .isEqualTo("recovered in 4.0 s after an unclean stop: JVM 0.6 s, embedded servers 2.4 s, stages started 1.0 s");
        restarted.close();
    }

    @Test
    void shouldCallAStartAfterACleanStopAStart(@TempDir Path dataDir) {
        RestartTimeline.begin(dataDir, PROCESS_START, now::get).close();

        RestartTimeline next = RestartTimeline.begin(dataDir, PROCESS_START, now::get);

        assertThat(next.afterCrash()).isFalse();
        assertThat(next.line()).isEqualTo("started in 0.6 s: JVM 0.6 s");
        next.close();
        assertThat(dataDir.resolve(RestartTimeline.MARKER)).doesNotExist();
    }

    private void advance(Duration duration) {
        now.set(now.get().plus(duration));
    }

    @Test
    void shouldStartWithoutTheMarkerWhenTheDataDirectoryCannotKeepIt(@TempDir Path parent) throws Exception {
        Path notADirectory = Files.writeString(parent.resolve("file"), "");

        RestartTimeline timeline = RestartTimeline.begin(notADirectory, PROCESS_START, now::get);

        assertThat(timeline.afterCrash()).isFalse();
        assertThat(timeline.line()).startsWith("started in");
        timeline.close();
    }
}
