package io.usersync.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.usersync.app.UsersyncCommand;
import picocli.CommandLine;

/** The bench command end to end on the embedded default, with tiny sizes; counts only, never timings. */
class BenchIT {

    @Test
    void shouldRunEveryPhaseAndReportEachWithTheUsersItSynced() throws Exception {
        Path out = Files.createTempDirectory("usersync-bench-it");

        int exit = new CommandLine(new UsersyncCommand()).execute("bench", "--backfill", "200", "--rates", "50",
                "--duration", "3s", "--same-base", "200", "--timeout", "3m", "--out", out.toString(),
                "--set", "USERSYNC_PARTITIONS=3");

        assertThat(exit).isZero();
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        List<String> names = new ArrayList<>();
        report.get("phases").forEach(phase -> names.add(phase.get("name").asText()));
        assertThat(names).containsExactly("backfill", "stream-50", "same-base-one", "same-base-distinct");
        assertPhase(report.get("phases").get(0), 200, "start_to_row");
        assertPhase(report.get("phases").get(1), 150, "commit_to_row");
        assertPhase(report.get("phases").get(2), 200, "commit_to_row");
        assertPhase(report.get("phases").get(3), 200, "commit_to_row");
        JsonNode stream = report.get("phases").get(1);
        assertThat(stream.get("driver").get("sign_ups").asInt()).isEqualTo(150);
        assertThat(stream.get("latency").get("due_to_row").get("count").asLong()).isEqualTo(150);
        assertThat(stream.get("latency").get("commit_to_cdc").get("count").asLong()).isEqualTo(150);
        assertThat(stream.get("latency").get("cdc_to_profile").get("count").asLong()).isEqualTo(150);
        assertThat(report.get("ratios").has("same_base_vs_distinct_users_per_s")).isTrue();
        assertThat(Files.readString(out.resolve("report.html"))).contains("<svg");
    }

    private static void assertPhase(JsonNode phase, long users, String endToEnd) {
        assertThat(phase.get("users").asLong()).as(phase.get("name").asText()).isEqualTo(users);
        assertThat(phase.get("synced").asLong()).as(phase.get("name").asText()).isEqualTo(users);
        assertThat(phase.get("complete").asBoolean()).isTrue();
        assertThat(phase.get("latency").get(endToEnd).get("count").asLong()).isEqualTo(users);
        assertThat(phase.get("kafka").get("produced_bytes").asLong()).as("bytes produced").isPositive();
        assertThat(phase.get("resources").get("cpu_seconds").asDouble()).isPositive();
    }
}
