package io.usersync.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.spi.FilterReply;

class KnownNoiseTest {

    private final Logger networkClient = (Logger) LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient");

    private static KnownNoise noise(String message, String thread) {
        KnownNoise noise = new KnownNoise();
        noise.setLogger("org.apache.kafka.clients.NetworkClient");
        noise.setMessageContains(message);
        noise.setThreadStartsWith(thread);
        noise.start();
        return noise;
    }

    @Test
    void shouldDropTheWarningOfItsLoggerThatContainsTheText() {
        KnownNoise noise = noise("has already been closed", null);

        assertThat(noise.decide(null, networkClient, Level.WARN, "[x] Attempting to close NetworkClient that has already been closed.",
                null, null)).isEqualTo(FilterReply.DENY);
    }

    @Test
    void shouldLetEveryOtherWarningOfTheSameLoggerPass() {
        KnownNoise noise = noise("has already been closed", null);

        assertThat(noise.decide(null, networkClient, Level.WARN, "Connection to node {} could not be established.", null, null))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void shouldLetAnErrorPassEvenWhenItMatches() {
        KnownNoise noise = noise("has already been closed", null);

        assertThat(noise.decide(null, networkClient, Level.ERROR, "has already been closed", null, null))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    /** Libraries ask whether DEBUG and TRACE are enabled in their hot loops: only a WARN is ever matched. */
    @Test
    void shouldLetEveryLevelButWarnPassWithoutLookingAtTheMessage() {
        KnownNoise noise = noise("has already been closed", null);

        for (Level level : new Level[] {Level.TRACE, Level.DEBUG, Level.INFO}) {
            assertThat(noise.decide(null, networkClient, level, "has already been closed", null, null)).as(level.toString())
                    .isEqualTo(FilterReply.NEUTRAL);
        }
        assertThat(noise.decide(null, networkClient, Level.DEBUG, null, null, null)).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void shouldDropOnlyWarningsLoggedOnTheNamedThread() {
        KnownNoise noise = noise(null, "debezium-servershared-admin");

        assertThat(noise.decide(null, networkClient, Level.WARN, "Connection to node {} could not be established.", null, null))
                .as("on the test's own thread").isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void shouldDropAWarningLoggedOnTheNamedThread() throws Exception {
        KnownNoise noise = noise(null, "debezium-servershared-admin");
        FilterReply[] reply = new FilterReply[1];
        Thread thread = new Thread(() -> reply[0] = noise.decide(null, networkClient, Level.WARN,
                "Connection to node {} could not be established.", null, null), "debezium-servershared-admin-1");
        thread.start();
        thread.join();

        assertThat(reply[0]).isEqualTo(FilterReply.DENY);
    }
}
