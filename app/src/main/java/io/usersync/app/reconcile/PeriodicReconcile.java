package io.usersync.app.reconcile;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Runs reconcile on a schedule inside {@code run}: the {@code usersync_drift_users} gauge shows the last
 * count, and drift that outlives one interval (the same users out of step twice) is logged as an alert.
 */
public final class PeriodicReconcile implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeriodicReconcile.class);

    private final Reconciler reconciler;
    private final AtomicInteger drift = new AtomicInteger();
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "usersync-reconcile"));
    private Set<String> lastDrifted = Set.of();

    public PeriodicReconcile(Reconciler reconciler, Duration interval, MeterRegistry registry) {
        this.reconciler = reconciler;
        Gauge.builder("usersync.drift.users", drift, AtomicInteger::get)
                .description("Users out of step between auth.users and public.users at the last reconcile")
                .register(registry);
        scheduler.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs one reconcile now: updates the gauge and alerts on drift that persists. */
    public void runOnce() {
        try {
            DriftReport report = reconciler.run();
            drift.set(report.total());
            Set<String> drifted = new HashSet<>(report.missing());
            drifted.addAll(report.orphaned());
            drifted.addAll(report.drifted());
            Set<String> persisting = new HashSet<>(drifted);
            persisting.retainAll(lastDrifted);
            if (!persisting.isEmpty()) {
                log.warn("ALERT drift persists: {} users still out of step since the last reconcile (missing {}, orphaned {},"
                        + " differing {}); run 'usersync reconcile --repair'", persisting.size(), report.missing().size(),
                        report.orphaned().size(), report.drifted().size());
            } else if (report.total() > 0) {
                log.info("Reconcile found {} users out of step", report.total());
            }
            lastDrifted = drifted;
        } catch (Exception e) {
            log.warn("Reconcile did not run: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
