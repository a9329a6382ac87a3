package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.read.ListAppender;
import io.usersync.app.config.ConfigLoader;
import io.usersync.app.run.Application;
import io.usersync.app.run.ScratchDirectory;
import io.usersync.app.run.WarmUp;

/**
 * What {@code usersync run} starts (embedded PostgreSQL and Kafka, every stage, the ops endpoints), started, used
 * and stopped cleanly under the production logback.xml, logs no WARN: each warning left must mean something an
 * operator acts on, so none may appear when nothing is wrong.
 */
class QuietRunIT {

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private ScratchDirectory dataDir;

    @BeforeEach
    void useTheProductionLogConfiguration() throws Exception {
        configure("logback.xml");
        log.setContext(context);
        // What the operator sees: what passes the production appender's filters of known library noise.
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.iteratorForAppenders().forEachRemaining(appender -> appender.getCopyOfAttachedFiltersList().forEach(log::addFilter));
        log.start();
        root.addAppender(log);
        // Not under the OS temp folder (where a checkout, and with it target/, may be), as with run's default
        // ./.usersync: Kafka Streams rightly warns of a state directory there, which the OS may clear.
        dataDir = ScratchDirectory.givenOrTemporary(null, "quiet-run-");
    }

    @AfterEach
    void restoreTheTestLogConfiguration() throws Exception {
        configure("logback-test.xml");
        dataDir.close();
    }

    /** The first start formats the servers' storage; the second finds it, as every later run does. */
    @Test
    void shouldLogNoWarningWhenItStartsSyncsAUserAndStopsCleanlyTheFirstTimeAndAgainOnItsData() throws Exception {
        startSyncAUserAndStop();
        startSyncAUserAndStop();

        assertThat(warnings()).isEmpty();
    }

    private void startSyncAUserAndStop() throws Exception {
        try (Application application = Application.start(ConfigLoader.load(Map.of("USERSYNC_DATA_DIR", dataDir.path().toString(),
                "USERSYNC_HTTP_PORT", "0"), Map.of()))) {
            WarmUp.awaitHealthy(application);
            try (Connection connection = application.database().getConnection()) {
                WarmUp.sendOneUserThrough(connection);
            }
        }
    }

    private List<String> warnings() {
        synchronized (log) {
            return log.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(event -> event.getLevel() + " [" + event.getThreadName() + "] " + event.getLoggerName() + " - "
                            + event.getFormattedMessage())
                    .toList();
        }
    }

    private void configure(String resource) throws JoranException {
        URL url = QuietRunIT.class.getClassLoader().getResource(resource);
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(url);
    }
}
