package io.usersync.capture;

/** The names of the gauges of capture's initial load of {@code auth.users} ({@code LoadProgress}). */
public final class LoadMeters {

    public static final String RUNNING = "usersync.capture.load.running";
    public static final String LOADED = "usersync.capture.load.users.loaded";
    /** Not {@code ...users.total}: Prometheus keeps a {@code _total} suffix for counters, and drops it from a gauge. */
    public static final String TOTAL = "usersync.capture.load.table.rows";
    public static final String PER_SECOND = "usersync.capture.load.users.per.second";
    public static final String SECONDS_LEFT = "usersync.capture.load.seconds.left";

    private LoadMeters() {
    }
}
