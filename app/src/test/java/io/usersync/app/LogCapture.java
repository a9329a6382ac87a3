package io.usersync.app;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;

import io.usersync.app.logging.LogFormat;
import io.usersync.app.logging.LogOutput;

/** What the process logs while this is attached, for a test that looks for what must never be logged. */
final class LogCapture implements AutoCloseable {

    private static final Logger ROOT = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final Encoder<ILoggingEvent> json = LogOutput.encoder(LogFormat.JSON);

    private LogCapture() {
    }

    static LogCapture attach() {
        LogCapture capture = new LogCapture();
        capture.events.start();
        ROOT.addAppender(capture.events);
        return capture;
    }

    /**
     * Each event as the output shows it: the message, its stack trace, and the line USERSYNC_LOG_FORMAT=json writes
     * (with the key-value pairs).
     */
    List<String> lines() {
        return events().stream().map(event -> event.getFormattedMessage() + "\n"
                + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy())) + "\n"
                + json(event)).toList();
    }

    /** The lines as USERSYNC_LOG_FORMAT=json writes them. */
    List<String> jsonLines() {
        return events().stream().map(this::json).toList();
    }

    @Override
    public void close() {
        ROOT.detachAppender(events);
    }

    private List<ILoggingEvent> events() {
        synchronized (events) {
            return new ArrayList<>(events.list);
        }
    }

    private String json(ILoggingEvent event) {
        synchronized (json) {
            return new String(json.encode(event), StandardCharsets.UTF_8);
        }
    }
}
