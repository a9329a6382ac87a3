package io.usersync.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ReportTest {

    private static final Pattern SVG = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL);

    private static BenchReport.StageLatency stage(String label, long... micros) {
        return new BenchReport.StageLatency(label, Distribution.ofMicros(micros));
    }

    private static BenchReport report() {
        Map<String, BenchReport.StageLatency> streamLatency = new LinkedHashMap<>();
        streamLatency.put("commit_to_cdc", stage("commit → CDC record", LongStream.range(1, 500).map(v -> v * 37).toArray()));
        streamLatency.put("cdc_to_profile", stage("CDC record → profile visible", 12_000, 15_000, 90_000));
        streamLatency.put("profile_to_row", stage("profile visible → row written"));
        streamLatency.put("due_to_row", stage("due (driver schedule) → row written", 40_000, 41_000));
        streamLatency.put(BenchRun.COMMIT_TO_ROW, stage("commit → row written (end to end)", 30_000, 31_000));
        Map<String, BenchReport.StageLatency> backfillLatency = new LinkedHashMap<>();
        backfillLatency.put(BenchRun.START_TO_ROW, stage("pipeline start → row written", 1_000_000, 2_000_000));
        BenchReport.Resources resources = new BenchReport.Resources(1.5, 0.1, 0.75, 40.0, 90.0, 120.0, 80.0, 400.0);
        BenchReport.KafkaUsage kafka = new BenchReport.KafkaUsage(2000, 1000.0, 2500, 1250.0,
                Map.of("usersync.auth.users.cdc", 2000L), Map.of("usersync.auth.users.cdc", 2500L));
        List<BenchReport.Phase> phases = new ArrayList<>();
        phases.add(new BenchReport.Phase("backfill", "backfill", "users before the start <b>", 2, 2, true, 0, 3, 2.0, 1.0,
                1.0, backfillLatency, null, resources, kafka));
        phases.add(new BenchReport.Phase("stream-500", "stream", "open loop", 2, 1, false, 3, 9, 5.0, 0.2, 0.03,
                streamLatency, new OpenLoopDriver.Summary(500, 4, 2, 498.0, 0.1, 80.0, 90.0, true), resources, kafka));
        return new BenchReport("20260101-120000",
                new BenchReport.Setup("development build", "17.0.1", 2, 256, "embedded", "embedded, in this process", 6,
                        Map.of("phases", "backfill,stream")),
                phases, Map.of("same_base_vs_distinct_users_per_s", 0.9),
                List.of(new ResourceSampler.Sample(0.25, 50, 100, 300.0), new ResourceSampler.Sample(0.5, 150, 120, null)),
                List.of("a note"));
    }

    @Test
    void shouldWriteValidJsonWithEveryPhaseAndItsFigures() throws Exception {
        JsonNode json = new ObjectMapper().readTree(ReportJson.render(report()));

        assertThat(json.has("started_at")).isTrue();
        assertThat(json.get("setup").get("cores").asInt()).isEqualTo(2);
        assertThat(json.get("ratios").get("same_base_vs_distinct_users_per_s").asDouble()).isEqualTo(0.9);
        JsonNode stream = json.get("phases").get(1);
        assertThat(stream.get("name").asText()).isEqualTo("stream-500");
        assertThat(stream.get("users").asLong()).isEqualTo(2);
        assertThat(stream.get("synced").asLong()).isEqualTo(1);
        assertThat(stream.get("complete").asBoolean()).isFalse();
        assertThat(stream.get("users_per_second").asDouble()).isEqualTo(0.2);
        assertThat(stream.get("driver").get("behind_schedule").asBoolean()).isTrue();
        assertThat(stream.get("driver").get("lateness_p99_ms").asDouble()).isEqualTo(80.0);
        assertThat(stream.get("resources").get("cpu_ms_per_user").asDouble()).isEqualTo(0.75);
        assertThat(stream.get("kafka").get("produced_bytes_per_user").asDouble()).isEqualTo(1000.0);
        JsonNode total = stream.get("latency").get("commit_to_row");
        assertThat(total.get("label").asText()).isEqualTo("commit → row written (end to end)");
        assertThat(total.get("count").asLong()).isEqualTo(2);
        assertThat(total.get("p50_ms").asDouble()).isEqualTo(30.0);
        assertThat(total.get("p99_ms").asDouble()).isEqualTo(31.0);
        assertThat(total.get("max_ms").asDouble()).isEqualTo(31.0);
        assertThat(total.get("histogram").isArray()).isTrue();
        assertThat(stream.get("latency").get("profile_to_row").get("count").asLong()).isZero();
        assertThat(stream.get("latency").get("profile_to_row").has("p50_ms")).isFalse();
        assertThat(json.get("timeline").get(0).get("heap_used_mb").asDouble()).isEqualTo(100.0);
    }

    @Test
    void shouldDrawAHistogramAndAPercentilePlotForEveryStageOfEveryPhase() {
        String html = HtmlReport.render(report());

        for (String stage : List.of("start_to_row", "commit_to_cdc", "cdc_to_profile", "profile_to_row", "due_to_row",
                "commit_to_row")) {
            Matcher charts = Pattern.compile("data-stage=\"" + stage + "\">(.*?)</div>", Pattern.DOTALL).matcher(html);
            assertThat(charts.find()).as(stage).isTrue();
            assertThat(SVG.matcher(charts.group(1)).results().count()).as(stage).isEqualTo(2);
        }
    }

    @Test
    void shouldWriteSelfContainedHtmlWithWellFormedSvgAndEscapedText() throws Exception {
        String html = HtmlReport.render(report());

        assertThat(html).doesNotContain("<script").doesNotContain("src=").doesNotContain("<link")
                .contains("users before the start &lt;b&gt;").contains("fell behind its schedule");
        Matcher svg = SVG.matcher(html);
        int count = 0;
        while (svg.find()) {
            DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(svg.group().getBytes(StandardCharsets.UTF_8)));
            count++;
        }
        // two timelines, and a histogram and a percentile plot for each of the six stages
        assertThat(count).isEqualTo(2 + 2 * 6);
    }

    @Test
    void shouldFlagTheIncompletePhaseAndTheMissedScheduleInTheSummary() {
        String summary = SummaryTable.render(report());

        assertThat(summary).contains("stream-500").contains("fell behind").contains("INCOMPLETE: stream-500 synced 1 of 2");
    }
}
