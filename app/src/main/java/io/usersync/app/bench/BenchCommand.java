package io.usersync.app.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigException;
import io.usersync.app.config.ConfigLoader;
import io.usersync.app.config.ConfigOptions;
import io.usersync.app.config.Durations;
import io.usersync.app.config.Setting;
import io.usersync.app.logging.LogOutput;
import io.usersync.app.run.EmbeddedServers;
import io.usersync.app.run.ScratchDirectory;
import io.usersync.capture.CaptureConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures the pipeline running in this process: backfill, open-loop sign-ups at fixed rates, and"
                + " sign-ups that all share one username base. Prints a summary; writes report.json and report.html.",
                "With no USERSYNC_DB_URL / KAFKA_BOOTSTRAP_SERVERS it starts fresh embedded servers in a temporary"
                + " directory (--data-dir: there instead). A given database must be dedicated and disposable: the bench"
                + " inserts and deletes users."})
public final class BenchCommand implements Callable<Integer> {

    /** The phases, in the order they run. */
    enum PhaseName { BACKFILL, STREAM, SAME_BASE }

    private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(250);
    private static final List<String> NOTES = List.of(
            "commit: auth.users.created_at, clock_timestamp() at insert, just before the sign-up's commit (as the peer"
                    + " comparison measures).",
            "CDC record: the record's timestamp on the CDC topic, set by capture's producer when it sent it (ms resolution).",
            "profile visible: when a read_committed consumer of the profiles topic (fetch.max.wait.ms=5) received the"
                    + " profile. The profile record's own timestamp is the input's, copied by Kafka Streams, so it says nothing.",
            "row written: public.users.synced_at, now() in the sink's write transaction, i.e. that transaction's start;"
                    + " the row is visible once the batch commits, shortly after.",
            "due: when the open-loop driver scheduled the sign-up (t0 + i/rate). When the driver falls behind, 'due → row'"
                    + " is the latency a user arriving on schedule saw; commit-based latencies then flatter.",
            "Times come from PostgreSQL's, Kafka's and this JVM's clocks: on one machine they agree; across machines"
                    + " they are only as good as clock synchronization.",
            "CPU: this process minus the bench's own driver and probe threads; it includes the Kafka broker when that"
                    + " is the embedded one and never PostgreSQL (another process). CPU % is of all cores.",
            "Heap: used heap sampled every 250 ms (includes the bench's own small buffers), so the peak between two"
                    + " samples can be missed. RSS is the whole process.",
            "Kafka bytes produced: byte-total of every producer in this process, per topic (record batches as sent, after"
                    + " compression), including Kafka Streams' changelogs and repartition topics. Log growth: growth of every"
                    + " partition on the brokers' disks, with what the brokers add (offsets, transaction markers) and"
                    + " less what Streams purged from repartition topics.");

    @Mixin
    ConfigOptions options;

    @Option(names = "--phases", split = ",", paramLabel = "PHASE",
            description = "phases to run, of backfill,stream,same-base (default: all)")
    List<String> phases = new ArrayList<>(List.of("backfill", "stream", "same-base"));

    @Option(names = "--backfill", paramLabel = "USERS", defaultValue = "200000",
            description = "users in auth.users before the pipeline starts (default ${DEFAULT-VALUE})")
    int backfillUsers;

    @Option(names = "--rates", split = ",", paramLabel = "PER_SECOND",
            description = "sign-up rates of the stream phase, one run each (default 500,2000)")
    List<Integer> rates = new ArrayList<>(List.of(500, 2000));

    @Option(names = "--duration", defaultValue = "30s", description = "how long each rate runs (default ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--connections", defaultValue = "4",
            description = "connections the sign-up driver spreads its schedule over (default ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--same-base", paramLabel = "USERS", defaultValue = "100000",
            description = "users with one shared username base, then as many with distinct ones (default ${DEFAULT-VALUE})")
    int sameBaseUsers;

    @Option(names = "--timeout", defaultValue = "10m",
            description = "longest a phase may wait for public.users to catch up (default ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--out", description = "folder for report.json and report.html (default ./usersync-bench/<timestamp>)")
    Path out;

    @Override
    public Integer call() throws Exception {
        EnumSet<PhaseName> selected = parsePhases(phases);
        List<String> problems = new ArrayList<>();
        Duration runFor = duration("--duration", duration, problems);
        Duration waitFor = duration("--timeout", timeout, problems);
        if (backfillUsers < 1 || sameBaseUsers < 1 || connections < 1 || rates.stream().anyMatch(r -> r < 1)) {
            problems.add("--backfill, --same-base, --connections and --rates take positive numbers.");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path folder = out != null ? out : Path.of("usersync-bench", started);
        Map<String, String> overrides = new HashMap<>(options.overrides());
        String dataDir = overrides.get(Setting.DATA_DIR.variable());
        try (ScratchDirectory data = ScratchDirectory.givenOrTemporary(dataDir != null ? Path.of(dataDir) : null, "usersync-bench-")) {
            overrides.put(Setting.DATA_DIR.variable(), data.path().toString());
            return run(config(overrides), plan(selected, runFor, waitFor), folder, started);
        }
    }

    private static AppConfig config(Map<String, String> overrides) {
        overrides.putIfAbsent(Setting.HTTP_PORT.variable(), "0");
        if (System.getenv(Setting.RECONCILE_INTERVAL_S.variable()) == null) {
            // A reconcile in the middle of a phase would be measured as the pipeline's cost.
            overrides.putIfAbsent(Setting.RECONCILE_INTERVAL_S.variable(), "0");
        }
        AppConfig config = ConfigLoader.load(System.getenv(), overrides);
        if (!config.instance().stages().equals(EnumSet.allOf(AppConfig.Stage.class))) {
            throw new ConfigException(List.of("bench runs every stage in this process; leave USERSYNC_STAGES unset."));
        }
        // As every command that loads the shared options: the log in USERSYNC_LOG_FORMAT's format.
        LogOutput.toStandardError(config.instance().logFormat());
        return config;
    }

    private BenchRun.Plan plan(EnumSet<PhaseName> selected, Duration runFor, Duration waitFor) {
        return new BenchRun.Plan(selected.contains(PhaseName.BACKFILL), backfillUsers,
                selected.contains(PhaseName.STREAM) ? List.copyOf(rates) : List.of(), runFor, connections,
                selected.contains(PhaseName.SAME_BASE), sameBaseUsers, waitFor);
    }

    private int run(AppConfig configured, BenchRun.Plan plan, Path folder, String started) throws Exception {
        boolean complete;
        BenchReport report;
        try (EmbeddedServers servers = EmbeddedServers.startMissing(configured)) {
            AppConfig config = servers.config();
            try (BenchRun bench = new BenchRun(config, plan, System.err, SAMPLE_INTERVAL)) {
                bench.checkDisposable(configured.kafkaBootstrapServers().isPresent());
                complete = bench.run();
                report = new BenchReport(started, setup(configured, config, plan, bench.cores()), bench.phases(),
                        bench.ratios(), bench.timeline(), NOTES);
            }
        }
        Files.createDirectories(folder);
        ReportJson.write(report, folder.resolve("report.json"));
        Files.writeString(folder.resolve("report.html"), HtmlReport.render(report), StandardCharsets.UTF_8);
        System.out.println();
        System.out.print(SummaryTable.render(report));
        System.out.printf("%nreport: %s%n        %s%n", folder.resolve("report.json").toAbsolutePath(),
                folder.resolve("report.html").toAbsolutePath());
        return complete ? 0 : 1;
    }

    private BenchReport.Setup setup(AppConfig configured, AppConfig config, BenchRun.Plan plan, int cores) {
        String version = BenchCommand.class.getPackage().getImplementationVersion();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("phases", String.join(",", phases));
        if (plan.backfill()) {
            settings.put("backfill", Integer.toString(plan.backfillUsers()));
        }
        if (!plan.rates().isEmpty()) {
            settings.put("rates", plan.rates().toString().replaceAll("[\\[\\] ]", ""));
            settings.put("duration", plan.duration().toSeconds() + "s");
            settings.put("connections", Integer.toString(plan.connections()));
        }
        if (plan.sameBase()) {
            settings.put("same-base", Integer.toString(plan.sameBaseUsers()));
        }
        settings.put(Setting.SINK_BATCH_SIZE.variable(), Integer.toString(config.sink().batchSize()));
        settings.put(Setting.SINK_BATCH_AGE_MS.variable(), Long.toString(config.sink().batchAge().toMillis()));
        settings.put(Setting.CAPTURE_POLL_INTERVAL_MS.variable(), Long.toString(config.capture().pollInterval().toMillis()));
        settings.put(Setting.PROCESSOR_GUARANTEE.variable(), config.processor().guarantee().name().toLowerCase(Locale.ROOT));
        settings.put(Setting.PROCESSOR_COMMIT_INTERVAL_MS.variable(), Long.toString(config.processor().commitInterval().toMillis()));
        return new BenchReport.Setup(version == null ? "development build" : version, System.getProperty("java.version"),
                cores, Runtime.getRuntime().maxMemory() / 1048576.0,
                configured.database().map(database -> "given " + database.maskedUrl()).orElse("embedded"),
                configured.kafkaBootstrapServers().map(servers -> "given " + servers).orElse("embedded, in this process"),
                config.instance().partitions(), settings);
    }

    static EnumSet<PhaseName> parsePhases(List<String> names) {
        EnumSet<PhaseName> selected = EnumSet.noneOf(PhaseName.class);
        for (String name : names) {
            try {
                selected.add(PhaseName.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(List.of("--phases: '" + name + "' is not a phase; they are backfill, stream, same-base."));
            }
        }
        return selected;
    }

    private static Duration duration(String option, String value, List<String> problems) {
        try {
            Duration parsed = Durations.parse(value);
            if (!parsed.isNegative() && !parsed.isZero()) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            problems.add(option + ": " + e.getMessage() + ".");
            return Duration.ZERO;
        }
        problems.add(option + " must be longer than zero.");
        return Duration.ZERO;
    }
}
