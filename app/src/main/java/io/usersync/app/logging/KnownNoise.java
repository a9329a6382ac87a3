package io.usersync.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops a WARN of a library that tells an operator nothing they could act on, picked out exactly: its logger,
 * and a text its message contains or the thread it is logged on. Other events of the same logger, and every
 * ERROR, pass. Declared in logback.xml on the appender, each with the reason it is noise ({@link LogOutput} keeps
 * them on the appender it puts in its place); a logger whose every warning is noise gets a level there instead.
 *
 * <p>An appender's filter, not a turbo filter: logback asks turbo filters about every log call before its level
 * check, so each disabled DEBUG and TRACE call of the clients' hot loops paid for the list of them; an appender's
 * filters see only the events that are logged.
 */
public final class KnownNoise extends Filter<ILoggingEvent> {

    private String logger;
    private String messageContains;
    private String threadStartsWith;

    public void setLogger(String logger) {
        this.logger = logger;
    }

    public void setMessageContains(String messageContains) {
        this.messageContains = messageContains;
    }

    public void setThreadStartsWith(String threadStartsWith) {
        this.threadStartsWith = threadStartsWith;
    }

    @Override
    public void start() {
        if (logger == null || (messageContains == null && threadStartsWith == null)) {
            addError("KnownNoise needs a logger and a messageContains or threadStartsWith");
            return;
        }
        super.start();
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        if (event.getLevel() != Level.WARN || !isStarted() || !logger.equals(event.getLoggerName())) {
            return FilterReply.NEUTRAL;
        }
        String format = event.getMessage();
        boolean message = messageContains == null || (format != null && format.contains(messageContains));
        boolean thread = threadStartsWith == null || (event.getThreadName() != null && event.getThreadName().startsWith(threadStartsWith));
        return message && thread ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
