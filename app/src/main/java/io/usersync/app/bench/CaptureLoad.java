package io.usersync.app.bench;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.usersync.capture.LoadMeters;

/** Capture's initial load of auth.users, as its gauges have it, for the bench's progress lines. */
final class CaptureLoad {

    private CaptureLoad() {
    }

    /** How far capture has published the load; empty before it (or when this process runs no capture). */
    static String progress(MeterRegistry registry) {
        Gauge loaded = registry.find(LoadMeters.LOADED).gauge();
        if (loaded == null || loaded.value() == 0) {
            return "";
        }
        if (registry.get(LoadMeters.RUNNING).gauge().value() == 0) {
            return String.format("; capture's initial load: done, %,.0f published", loaded.value());
        }
        double left = registry.get(LoadMeters.SECONDS_LEFT).gauge().value();
        return String.format("; capture's initial load: %,.0f of %,.0f published, %,.0f/s, %s", loaded.value(),
                registry.get(LoadMeters.TOTAL).gauge().value(),
                registry.get(LoadMeters.PER_SECOND).gauge().value(),
                Double.isNaN(left) ? "time left unknown" : String.format("about %.0f s left", left));
    }
}
