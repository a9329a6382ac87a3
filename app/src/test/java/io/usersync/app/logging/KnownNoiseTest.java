package io.usersync.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
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

    private LoggingEvent event(Level level, String message, String thread) {
        LoggingEvent event = new LoggingEvent(Logger.FQCN, networkClient, level, message, null, null);
        event.setThreadName(thread);
        return event;
    }

    private LoggingEvent event(Level level, String message) {
        return event(level, message, "main");
    }

    @Test
    void shouldDropTheWarningOfItsLoggerThatContainsTheText() {
        KnownNoise noise = noise("has already been closed", null);

        assertThat(noise.decide(event(Level.WARN, "[x] Attempting to close NetworkClient that has already been closed.")))
                .isEqualTo(FilterReply.DENY);
    }

    @Test
    void shouldLetEveryOtherWarningOfTheSameLoggerPass() {
        KnownNoise noise = noise("has already been closed", null);

        assertThat(noise.decide(event(Level.WARN, "Connection to node {} could not be established.")))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void shouldLetAnErrorPassEvenWhenItMatches() {
        KnownNoise noise = noise("has already been closed", null);

        assertThat(noise.decide(event(Level.ERROR, "has already been closed")))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void shouldLetEveryLevelButWarnPass() {
        KnownNoise noise = noise("has already been closed", null);

        for (Level level : new Level[] {Level.TRACE, Level.DEBUG, Level.INFO}) {
            assertThat(noise.decide(event(level, "has already been closed"))).as(level.toString())
                    .isEqualTo(FilterReply.NEUTRAL);
        }
        assertThat(noise.decide(event(Level.DEBUG, null))).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void shouldDropOnlyWarningsLoggedOnTheNamedThread() {
        KnownNoise noise = noise(null, "debezium-servershared-admin");

        assertThat(noise.decide(event(Level.WARN, "Connection to node {} could not be established.")))
                .as("on another thread").isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void shouldDropAWarningLoggedOnTheNamedThread() {
        KnownNoise noise = noise(null, "debezium-servershared-admin");

        assertThat(noise.decide(event(Level.WARN, "Connection to node {} could not be established.", "debezium-servershared-admin-1")))
                .isEqualTo(FilterReply.DENY);
    }
}
