package io.usersync.app.bench;

import java.util.List;
import java.util.Map;

/** The report as one self-contained HTML page: tables, and inline SVG charts per phase and stage. */
final class HtmlReport {

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;padding:0 16px;max-width:1100px;color:#111827;line-height:1.4}
            h1{font-size:22px} h2{font-size:18px;margin-top:32px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
            h3{font-size:15px;margin:16px 0 4px}
            table{border-collapse:collapse;font-size:13px;margin:8px 0}
            th,td{padding:3px 8px;white-space:nowrap;border-bottom:1px solid #f3f4f6;text-align:right} th:first-child,td:first-child{text-align:left}
            th{background:#f9fafb}
            .charts{display:flex;flex-wrap:wrap;gap:8px} figure{margin:0} figcaption{font-size:12px;color:#4b5563}
            .note{font-size:13px;color:#4b5563} .bad{color:#b91c1c;font-weight:600}
            """;

    private HtmlReport() {
    }

    static String render(BenchReport report) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>usersync bench " + Svg.escape(report.startedAt()) + "</title><style>" + STYLE + "</style></head><body>\n");
        BenchReport.Setup setup = report.setup();
        html.append("<h1>usersync bench</h1>\n<p class=\"note\">").append(Svg.escape(report.startedAt())).append(" · ")
                .append(Svg.escape(setup.usersync())).append(" · Java ").append(Svg.escape(setup.java())).append(" · ")
                .append(setup.cores()).append(" cores · max heap ").append(Svg.format(setup.maxHeapMb())).append(" MB · database ")
                .append(Svg.escape(setup.database())).append(" · Kafka ").append(Svg.escape(setup.kafka())).append(" · ")
                .append(setup.partitions()).append(" partitions</p>\n");
        html.append("<p class=\"note\">Options: ");
        setup.options().forEach((k, v) -> html.append(Svg.escape(k)).append('=').append(Svg.escape(v)).append(' '));
        html.append("</p>\n");
        summary(html, report);
        html.append("<h2>Process over time</h2>\n<div class=\"charts\">");
        List<Svg.Band> bands = report.phases().stream()
                .map(p -> new Svg.Band(p.startSeconds(), p.endSeconds(), p.name())).toList();
        figure(html, "Heap in use (MB), sampled", Svg.timeline(report.timeline(), ResourceSampler.Sample::heapUsedMb, "heap MB", bands, 1));
        figure(html, "CPU of this process, % of all cores", Svg.timeline(report.timeline(), ResourceSampler.Sample::cpuPercent, "CPU %",
                bands, 100));
        html.append("</div>\n");
        for (BenchReport.Phase phase : report.phases()) {
            phase(html, phase);
        }
        html.append("<h2>Notes</h2>\n<ul class=\"note\">");
        for (String note : report.notes()) {
            html.append("<li>").append(Svg.escape(note)).append("</li>");
        }
        html.append("</ul>\n</body></html>\n");
        return html.toString();
    }

    private static void summary(StringBuilder html, BenchReport report) {
        html.append("<h2>Summary</h2>\n<table><tr><th>phase</th><th>users</th><th>synced</th><th>users/s</th><th>first row</th>"
                + "<th>end to end p50 / p99 / max ms</th><th>CPU ms/user</th><th>CPU avg %</th><th>heap peak MB</th>"
                + "<th>RSS peak MB</th><th>Kafka bytes/user</th></tr>\n");
        for (BenchReport.Phase phase : report.phases()) {
            BenchReport.StageLatency total = phase.latency().getOrDefault(BenchRun.COMMIT_TO_ROW,
                    phase.latency().get(BenchRun.START_TO_ROW));
            html.append("<tr><td><a href=\"#").append(Svg.escape(phase.name())).append("\">").append(Svg.escape(phase.name()))
                    .append("</a></td>")
                    .append(cell(String.format("%,d", phase.users())))
                    .append(phase.complete() ? cell(String.format("%,d", phase.synced()))
                            : "<td class=\"bad\">" + String.format("%,d", phase.synced()) + "</td>")
                    .append(cell(SummaryTable.number(phase.usersPerSecond(), "%,.0f")))
                    .append(cell(SummaryTable.number(phase.firstRowSeconds(), "%.1f s")))
                    .append(cell(total == null ? "" : SummaryTable.number(total.distribution().p50Ms(), "%.1f") + " / "
                            + SummaryTable.number(total.distribution().p99Ms(), "%.1f") + " / "
                            + SummaryTable.number(total.distribution().maxMs(), "%.1f")))
                    .append(cell(SummaryTable.number(phase.resources().cpuMsPerUser(), "%.3f")))
                    .append(cell(SummaryTable.number(phase.resources().cpuPercentAvg(), "%.0f")))
                    .append(cell(SummaryTable.number(phase.resources().heapPeakMb(), "%.0f")))
                    .append(cell(SummaryTable.number(phase.resources().rssPeakMb(), "%.0f")))
                    .append(cell(SummaryTable.number(phase.kafka().producedBytesPerUser(), "%,.0f"))).append("</tr>\n");
        }
        html.append("</table>\n");
        report.ratios().forEach((name, value) -> html.append("<p><b>").append(Svg.escape(name)).append("</b>: ")
                .append(String.format("%.2f", value)).append("</p>\n"));
    }

    private static void phase(StringBuilder html, BenchReport.Phase phase) {
        html.append("<h2 id=\"").append(Svg.escape(phase.name())).append("\">").append(Svg.escape(phase.name())).append("</h2>\n");
        html.append("<p class=\"note\">").append(Svg.escape(phase.description())).append("</p>\n");
        if (!phase.complete()) {
            html.append(String.format("<p class=\"bad\">Incomplete: %,d of %,d users synced before the timeout.</p>%n",
                    phase.synced(), phase.users()));
        }
        OpenLoopDriver.Summary driver = phase.driver();
        if (driver != null) {
            html.append(String.format("<p>Driver: target %,d/s over %d connections, achieved %,.0f/s; lateness p50 %s ms,"
                    + " p99 %s ms, max %s ms. %s</p>%n", driver.targetRate(), driver.connections(), driver.achievedRate(),
                    SummaryTable.number(driver.latenessP50Ms(), "%.1f"), SummaryTable.number(driver.latenessP99Ms(), "%.1f"),
                    SummaryTable.number(driver.latenessMaxMs(), "%.1f"), driver.behindSchedule()
                            ? "<span class=\"bad\">The driver fell behind its schedule: read 'due → row written', not the"
                                    + " commit-based latencies.</span>"
                            : "On schedule."));
        }
        BenchReport.Resources r = phase.resources();
        BenchReport.KafkaUsage k = phase.kafka();
        html.append(String.format("<p>CPU %.1f s (%s ms per user; bench driver and probe %.1f s apart), avg %s %%, max %s %%;"
                + " heap peak %s MB, avg %s MB; RSS peak %s MB. Kafka: %,d bytes produced (%s per user), logs grew %,d bytes"
                + " (%s per user).</p>%n", r.cpuSeconds(), SummaryTable.number(r.cpuMsPerUser(), "%.3f"), r.benchCpuSeconds(),
                SummaryTable.number(r.cpuPercentAvg(), "%.0f"), SummaryTable.number(r.cpuPercentMax(), "%.0f"),
                SummaryTable.number(r.heapPeakMb(), "%.0f"), SummaryTable.number(r.heapAvgMb(), "%.0f"),
                SummaryTable.number(r.rssPeakMb(), "%.0f"), k.producedBytes(), SummaryTable.number(k.producedBytesPerUser(), "%,.0f"),
                k.logGrowthBytes(), SummaryTable.number(k.logGrowthBytesPerUser(), "%,.0f")));
        html.append("<table><tr><th>topic</th><th>bytes produced</th><th>log growth</th></tr>\n");
        java.util.Set<String> topics = new java.util.TreeSet<>(k.producedBytesByTopic().keySet());
        topics.addAll(k.logGrowthByTopic().keySet());
        for (String topic : topics) {
            html.append("<tr><td>").append(Svg.escape(topic)).append("</td>")
                    .append(cell(String.format("%,d", k.producedBytesByTopic().getOrDefault(topic, 0L))))
                    .append(cell(String.format("%,d", k.logGrowthByTopic().getOrDefault(topic, 0L)))).append("</tr>\n");
        }
        html.append("</table>\n<table><tr><th>latency, ms</th><th>count</th><th>p50</th><th>p95</th><th>p99</th><th>max</th>"
                + "<th>mean</th></tr>\n");
        for (BenchReport.StageLatency stage : phase.latency().values()) {
            Distribution d = stage.distribution();
            html.append("<tr><td>").append(Svg.escape(stage.label())).append("</td>").append(cell(String.format("%,d", d.count())))
                    .append(cell(SummaryTable.number(d.p50Ms(), "%.1f"))).append(cell(SummaryTable.number(d.p95Ms(), "%.1f")))
                    .append(cell(SummaryTable.number(d.p99Ms(), "%.1f"))).append(cell(SummaryTable.number(d.maxMs(), "%.1f")))
                    .append(cell(SummaryTable.number(d.meanMs(), "%.1f"))).append("</tr>\n");
        }
        html.append("</table>\n");
        for (Map.Entry<String, BenchReport.StageLatency> stage : phase.latency().entrySet()) {
            html.append("<h3>").append(Svg.escape(stage.getValue().label())).append("</h3>\n<div class=\"charts\" data-stage=\"")
                    .append(Svg.escape(stage.getKey())).append("\">");
            figure(html, "histogram", Svg.histogram(stage.getValue().distribution()));
            figure(html, "by percentile", Svg.percentiles(stage.getValue().distribution()));
            html.append("</div>\n");
        }
    }

    private static void figure(StringBuilder html, String caption, String svg) {
        html.append("<figure>").append(svg).append("<figcaption>").append(Svg.escape(caption)).append("</figcaption></figure>");
    }

    private static String cell(String text) {
        return "<td>" + Svg.escape(text) + "</td>";
    }
}
