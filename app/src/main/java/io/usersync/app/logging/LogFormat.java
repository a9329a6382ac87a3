package io.usersync.app.logging;

import java.util.Locale;

/** How log events are written: {@code USERSYNC_LOG_FORMAT}. */
public enum LogFormat {
    /** A line of text per event, for people. */
    PLAIN,
    /** A JSON object per line (logstash-logback-encoder's fields plus each line's key-value pairs), for a log pipeline. */
    JSON;

    /** @throws IllegalArgumentException when the text is neither {@code plain} nor {@code json} */
    public static LogFormat parse(String text) {
        return LogFormat.valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
