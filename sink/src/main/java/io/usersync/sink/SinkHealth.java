package io.usersync.sink;

/** UP, or DOWN with a reason that names no personal data. */
public record SinkHealth(boolean up, String reason) {

    static final SinkHealth STARTING = new SinkHealth(false, "starting");
    static final SinkHealth UP = new SinkHealth(true, "writing");

    static SinkHealth down(String reason) {
        return new SinkHealth(false, reason);
    }
}
