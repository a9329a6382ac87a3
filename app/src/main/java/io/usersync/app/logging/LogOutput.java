package io.usersync.app.logging;

import java.nio.file.Path;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * Where the log goes and in which format. logback.xml sets the levels and the filters of known library noise
 * and writes plain text to stderr until a command knows its configuration; then the command points the root
 * logger here: stderr in the configured format, or a file (the demo, whose terminal is for a person), through an
 * appender that keeps the filters of the one it replaces.
 */
public final class LogOutput {

    /** The plain format of logback.xml. */
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";

    private LogOutput() {
    }

    /** Every event to stderr, so a command's own output on stdout stays readable. */
    public static void toStandardError(LogFormat format) {
        LoggerContext context = context();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setTarget("System.err");
        replaceRootAppender(context, appender, format);
    }

    /** Every event to this file, created or appended to. */
    public static void toFile(Path file, LogFormat format) {
        LoggerContext context = context();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setFile(file.toAbsolutePath().toString());
        appender.setAppend(true);
        replaceRootAppender(context, appender, format);
    }

    /** An encoder of the format, started. */
    public static Encoder<ILoggingEvent> encoder(LogFormat format) {
        return encoder(context(), format);
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogFormat format) {
        Encoder<ILoggingEvent> encoder;
        if (format == LogFormat.JSON) {
            // Its default fields (@timestamp, level, logger_name, thread_name, message, stack_trace) plus the MDC
            // and each event's key-value pairs: stage, topic, partition, offset, user_id where the code adds them.
            encoder = new LogstashEncoder();
        } else {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setPattern(PATTERN);
            encoder = pattern;
        }
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }

    private static void replaceRootAppender(LoggerContext context, OutputStreamAppender<ILoggingEvent> appender,
            LogFormat format) {
        appender.setContext(context);
        appender.setName("usersync-" + format.name().toLowerCase(java.util.Locale.ROOT));
        appender.setEncoder(encoder(context, format));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        // The filters of known noise that logback.xml declares on its appender go on with the new one.
        root.iteratorForAppenders().forEachRemaining(replaced -> replaced.getCopyOfAttachedFiltersList().forEach(appender::addFilter));
        appender.start();
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }
}
