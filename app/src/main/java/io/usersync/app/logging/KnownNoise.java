package io.usersync.app.logging;

import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops a WARN of a library that tells an operator nothing they could act on, picked out exactly: its logger,
 * and a text its message contains or the thread it is logged on. Other events of the same logger, and every
 * ERROR, pass. Declared in logback.xml, each with the reason it is noise; a logger whose every warning is noise
 * gets a level there instead.
 */
public final class KnownNoise extends TurboFilter {

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
    public FilterReply decide(Marker marker, Logger eventLogger, Level level, String format, Object[] params, Throwable t) {
        // Every log call of every library passes here, DEBUG and TRACE ones of hot paths (the clients' network loops)
        // included, even when disabled: anything but a WARN leaves at the first comparison.
        if (level != Level.WARN || !isStarted() || !logger.equals(eventLogger.getName())) {
            return FilterReply.NEUTRAL;
        }
        boolean message = messageContains == null || (format != null && format.contains(messageContains));
        boolean thread = threadStartsWith == null || Thread.currentThread().getName().startsWith(threadStartsWith);
        return message && thread ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
