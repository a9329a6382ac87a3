package io.usersync.capture;

/** The names of the gauges of capture's initial load of {@code auth.users} ({@code LoadProgress}). */
public final class LoadMeters {

    public static final String RUNNING = "usersync.capture.load.running";
    public static final String LOADED = "usersync.capture.load.users.loaded";
    public static final String TOTAL = "usersync.capture.load.users.total";
    public static final String PER_SECOND = "usersync.capture.load.users.per.second";
    public static final String SECONDS_LEFT = "usersync.capture.load.seconds.left";

    private LoadMeters() {
    }
}
