package io.usersync.app.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import io.usersync.schemas.logging.LogFields;

class LogOutputTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger("io.usersync.test.LogOutputTest");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private void writeWith(LogFormat format) {
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(logger.getLoggerContext());
        appender.setEncoder(LogOutput.encoder(format));
        appender.setOutputStream(out);
        appender.start();
        logger.setAdditive(false);
        logger.addAppender(appender);
    }

    @AfterEach
    void detach() {
        logger.detachAndStopAllAppenders();
        logger.setAdditive(true);
    }

    private void logADeadLetter() {
        logger.atWarn().addKeyValue(LogFields.STAGE, "sink").addKeyValue(LogFields.TOPIC, "usersync.users.profiles")
                .addKeyValue(LogFields.PARTITION, 2).addKeyValue(LogFields.OFFSET, 4711L)
                .addKeyValue(LogFields.USER_ID, "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11")
                .log("Profile of user {} sent to the dead-letter topic", "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11");
    }

    @Test
    void shouldWriteAJsonObjectPerLineWithTheLinesKeyValuePairsAsFields() throws Exception {
        writeWith(LogFormat.JSON);

        logADeadLetter();

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text.lines()).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(text);
        assertThat(line.path("level").asText()).isEqualTo("WARN");
        assertThat(line.path("logger_name").asText()).isEqualTo("io.usersync.test.LogOutputTest");
        assertThat(line.path("message").asText()).isEqualTo(
                "Profile of user 6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11 sent to the dead-letter topic");
        assertThat(line.path(LogFields.STAGE).asText()).isEqualTo("sink");
        assertThat(line.path(LogFields.TOPIC).asText()).isEqualTo("usersync.users.profiles");
        assertThat(line.path(LogFields.PARTITION).asInt()).isEqualTo(2);
        assertThat(line.path(LogFields.OFFSET).asLong()).isEqualTo(4711L);
        assertThat(line.path(LogFields.USER_ID).asText()).isEqualTo("6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11");
    }

    @Test
    void shouldWritePlainTextLinesInThePlainFormat() {
        writeWith(LogFormat.PLAIN);

        logADeadLetter();

        assertThat(out.toString(StandardCharsets.UTF_8)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[main\\] "
                + "io\\.usersync\\.test\\.LogOutputTest - Profile of user 6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11 sent to the dead-letter"
                + " topic\\R");
    }

    /** logback.xml declares the filters of known noise on its appender; the appender a command puts in its place keeps them. */
    @Test
    void shouldKeepTheFiltersOfTheAppenderItReplaces(@TempDir Path folder) throws Exception {
        Logger root = logger.getLoggerContext().getLogger(Logger.ROOT_LOGGER_NAME);
        KnownNoise noise = new KnownNoise();
        noise.setLogger("io.usersync.test.Noisy");
        noise.setMessageContains("nothing to act on");
        noise.start();
        root.iteratorForAppenders().forEachRemaining(appender -> appender.addFilter(noise));
        Path file = folder.resolve("usersync.log");
        try {
            LogOutput.toFile(file, LogFormat.PLAIN);

            Logger noisy = logger.getLoggerContext().getLogger("io.usersync.test.Noisy");
            noisy.warn("a warning with nothing to act on");
            noisy.warn("a warning that counts");
        } finally {
            LogOutput.toStandardError(LogFormat.PLAIN);
            root.iteratorForAppenders().forEachRemaining(Appender::clearAllFilters);
        }

        assertThat(Files.readString(file)).doesNotContain("nothing to act on").contains("a warning that counts");
    }

    @Test
    void shouldRefuseAFormatItDoesNotKnow() {
        assertThatThrownBy(() -> LogFormat.parse("xml")).isInstanceOf(IllegalArgumentException.class);
    }
}
