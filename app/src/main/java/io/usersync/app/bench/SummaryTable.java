package io.usersync.app.bench;

import java.util.Map;

/** The report as plain-text tables, for stdout. */
final class SummaryTable {

    private SummaryTable() {
    }

    static String render(BenchReport report) {
        StringBuilder out = new StringBuilder();
        BenchReport.Setup setup = report.setup();
        out.append(String.format("usersync bench  %s  (%d cores, Java %s, max heap %.0f MB, database %s, Kafka %s, %d partitions)%n%n",
                report.startedAt(), setup.cores(), setup.java(), setup.maxHeapMb(), setup.database(), setup.kafka(),
                setup.partitions()));
        out.append(String.format("%-22s %9s %9s %10s %9s %10s %10s %9s %9s %11s%n", "phase", "users", "synced",
                "users/s", "1st row", "CPU ms/u", "CPU avg%", "heap MB", "RSS MB", "Kafka B/u"));
        for (BenchReport.Phase phase : report.phases()) {
            out.append(String.format("%-22s %,9d %,9d %10s %9s %10s %10s %9s %9s %11s%n", phase.name(), phase.users(),
                    phase.synced(), number(phase.usersPerSecond(), "%,.0f"),
                    phase.firstRowSeconds() == null ? "" : String.format("%.1f s", phase.firstRowSeconds()),
                    number(phase.resources().cpuMsPerUser(), "%.3f"), number(phase.resources().cpuPercentAvg(), "%.0f"),
                    number(phase.resources().heapPeakMb(), "%.0f"), number(phase.resources().rssPeakMb(), "%.0f"),
                    number(phase.kafka().producedBytesPerUser(), "%,.0f")));
        }
        out.append(String.format("%nlatency in ms%n%-22s %-36s %9s %9s %9s %9s %9s%n", "phase", "stage", "count", "p50",
                "p95", "p99", "max"));
        for (BenchReport.Phase phase : report.phases()) {
            for (Map.Entry<String, BenchReport.StageLatency> stage : phase.latency().entrySet()) {
                Distribution d = stage.getValue().distribution();
                out.append(String.format("%-22s %-36s %,9d %9s %9s %9s %9s%n", phase.name(), stage.getValue().label(),
                        d.count(), number(d.p50Ms(), "%.1f"), number(d.p95Ms(), "%.1f"), number(d.p99Ms(), "%.1f"),
                        number(d.maxMs(), "%.1f")));
            }
        }
        boolean driverShown = false;
        for (BenchReport.Phase phase : report.phases()) {
            OpenLoopDriver.Summary driver = phase.driver();
            if (driver == null) {
                continue;
            }
            if (!driverShown) {
                out.append(String.format("%nsign-up driver (open loop)%n%-22s %9s %10s %11s %11s %11s  %s%n", "phase",
                        "target/s", "achieved/s", "late p50 ms", "late p99 ms", "late max ms", "on schedule"));
                driverShown = true;
            }
            out.append(String.format("%-22s %,9d %,10.0f %11s %11s %11s  %s%n", phase.name(), driver.targetRate(),
                    driver.achievedRate(), number(driver.latenessP50Ms(), "%.1f"), number(driver.latenessP99Ms(), "%.1f"),
                    number(driver.latenessMaxMs(), "%.1f"),
                    driver.behindSchedule() ? "NO: fell behind, see 'due -> row written'" : "yes"));
        }
        if (!report.ratios().isEmpty()) {
            out.append(String.format("%n"));
            report.ratios().forEach((name, value) -> out.append(String.format("%-40s %.2f%n", name, value)));
        }
        for (BenchReport.Phase phase : report.phases()) {
            if (!phase.complete()) {
                out.append(String.format("%nINCOMPLETE: %s synced %,d of %,d users before the timeout%n", phase.name(),
                        phase.synced(), phase.users()));
            }
        }
        return out.toString();
    }

    static String number(Double value, String format) {
        return value == null ? "" : String.format(format, value);
    }
}
