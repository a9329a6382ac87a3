package io.usersync.app.bench;

import java.io.PrintStream;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToLongFunction;

import org.apache.kafka.clients.admin.Admin;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigException;
import io.usersync.app.config.Setting;
import io.usersync.app.run.Application;
import io.usersync.app.run.WarmUp;
import io.usersync.schemas.TopicNames;

/**
 * The phases of one bench run against one database and Kafka: the pipeline runs in this process, so its
 * CPU and heap are this process's. Progress goes to {@code progress} (stderr); results into the report.
 */
final class BenchRun implements AutoCloseable {

    static final String START_TO_ROW = "start_to_row";
    static final String COMMIT_TO_ROW = "commit_to_row";

    /** Rows per statement when loading in bulk: large enough to be fast, small enough to stream while loading. */
    private static final int BACKFILL_CHUNK = 50_000;
    /** The same-base phase inserts in transactions of this many users, as a batch job or an import would. */
    private static final int SAME_BASE_CHUNK = 5_000;

    /** What to run; sizes in users, rates in sign-ups per second. */
    record Plan(boolean backfill, int backfillUsers, List<Integer> rates, Duration duration, int connections,
            boolean sameBase, int sameBaseUsers, Duration timeout) {
    }

    private final AppConfig config;
    private final Plan plan;
    private final PrintStream progress;
    private final WallClock clock = new WallClock();
    private final ResourceSampler sampler;
    private final BenchDatabase db;
    private final Admin admin;
    private final KafkaBytes kafkaBytes;
    private final List<BenchReport.Phase> phases = new ArrayList<>();
    private final Map<String, Double> ratios = new LinkedHashMap<>();
    private Application application;
    private StageProbe probe;
    private long driverCpuNanos;

    BenchRun(AppConfig config, Plan plan, PrintStream progress, Duration sampleInterval) throws SQLException {
        this.config = config;
        this.plan = plan;
        this.progress = progress;
        this.db = new BenchDatabase(config, plan.connections(), progress);
        this.admin = Admin.create(config.kafka().clientProperties(Map.of()));
        this.kafkaBytes = new KafkaBytes(admin);
        this.sampler = new ResourceSampler(clock, sampleInterval);
    }

    List<BenchReport.Phase> phases() {
        return phases;
    }

    Map<String, Double> ratios() {
        return ratios;
    }

    List<ResourceSampler.Sample> timeline() {
        return sampler.all();
    }

    int cores() {
        return sampler.cores();
    }

    /** A bench inserts users and needs a capture that starts from scratch: refuse anything else. */
    void checkDisposable(boolean kafkaGiven) throws Exception {
        List<String> problems = new ArrayList<>();
        if (config.database().map(database -> !database.profileTable().isDefault()).orElse(false)) {
            problems.add(Setting.TABLE.variable() + " names an app's own table; the bench measures usersync's public.users in"
                    + " a disposable database. Fix: unset " + Setting.TABLE.variable() + ".");
        }
        long authUsers = db.count("select count(*) from auth.users");
        long rows = db.count("select count(*) from public.users");
        if (authUsers > 0 || rows > 0) {
            problems.add("bench needs an empty auth.users and public.users (it inserts users and measures their sync);"
                    + " found " + authUsers + " and " + rows + " rows. Fix: point USERSYNC_DB_URL at a dedicated, disposable"
                    + " database, or leave it unset for a fresh embedded one.");
        }
        if (db.slotExists(config.capture().slotName())) {
            problems.add("replication slot " + config.capture().slotName() + " exists; the bench's capture must start from"
                    + " scratch. Fix: a fresh database, or another USERSYNC_SLOT_NAME.");
        }
        if (kafkaGiven && admin.listTopics().names().get().contains(TopicNames.CDC)) {
            problems.add("topic " + TopicNames.CDC + " exists in KAFKA_BOOTSTRAP_SERVERS; the bench needs a Kafka without"
                    + " usersync's topics. Fix: a fresh cluster, or leave KAFKA_BOOTSTRAP_SERVERS unset for an embedded one.");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Runs the planned phases; false when one did not finish within the timeout (the rest are skipped). */
    boolean run() throws Exception {
        boolean complete = true;
        if (plan.backfill()) {
            complete = backfill();
        } else {
            startPipeline();
        }
        if (complete) {
            WarmUp.awaitHealthy(application);
            progress.printf("bench: pipeline warmed up in %.1f s%n", WarmUp.sendOneUserThrough(db.connection()).toMillis() / 1e3);
        }
        for (int i = 0; complete && i < plan.rates().size(); i++) {
            complete = stream(plan.rates().get(i));
        }
        if (complete && plan.sameBase()) {
            BenchReport.Phase one = sameBase(false);
            complete = one.complete();
            if (complete) {
                BenchReport.Phase distinct = sameBase(true);
                complete = distinct.complete();
                if (one.usersPerSecond() != null && distinct.usersPerSecond() != null) {
                    ratios.put("same_base_vs_distinct_users_per_s", one.usersPerSecond() / distinct.usersPerSecond());
                }
            }
        }
        return complete;
    }

    private void startPipeline() {
        application = Application.start(config);
        probe = new StageProbe(config.kafka(), TopicNames.CDC, TopicNames.PROFILES, clock);
    }

    private boolean backfill() throws Exception {
        int n = plan.backfillUsers();
        Timestamp loadStart = db.now();
        long loadStarted = System.nanoTime();
        for (int done = 0; done < n; done += BACKFILL_CHUNK) {
            db.bulk(FakeUsers.google(FakeUsers.SERIES), Math.min(BACKFILL_CHUNK, n - done));
            progress.printf("bench: backfill: loaded %,d of %,d users into auth.users%n", Math.min(done + BACKFILL_CHUNK, n), n);
        }
        progress.printf("bench: backfill: %,d users loaded in %.1f s; starting the pipeline%n", n,
                (System.nanoTime() - loadStarted) / 1e9);
        try (Statement analyze = db.connection().createStatement()) {
            analyze.execute("analyze auth.users");
        }
        Window window = begin();
        Timestamp t0 = db.now();
        startPipeline();
        long synced = db.awaitSynced("backfill", loadStart, t0, n, plan.timeout(),
                () -> CaptureLoad.progress(application.registry()));
        long t0Micros = BenchDatabase.micros(t0);
        return finish(window, "backfill", "backfill", String.format("%,d Google-shaped users in auth.users before the pipeline"
                + " started; users/s and latencies from the pipeline's start (Application.start, the moment before) to each"
                + " user's row in public.users", n), n, synced, loadStart, t0, t0Micros, null, null).complete();
    }

    private boolean stream(int rate) throws Exception {
        int count = (int) (plan.duration().toMillis() * rate / 1000);
        String name = "stream-" + rate;
        UUID[] ids = new UUID[count];
        for (int i = 0; i < count; i++) {
            ids[i] = UUID.randomUUID();
        }
        long firstSeq = db.take(count);
        progress.printf("bench: %s: %,d sign-ups at %,d/s over %d connections%n", name, count, rate, plan.connections());
        Window window = begin();
        Timestamp from = db.now();
        OpenLoopDriver.Schedule schedule = new OpenLoopDriver(OpenLoopDriver.Clock.SYSTEM).run(rate, count,
                plan.connections(), () -> db.signUp(firstSeq, ids));
        driverCpuNanos += schedule.cpuNanos();
        Timestamp to = db.now();
        OpenLoopDriver.Summary driver = schedule.summary(plan.connections());
        progress.printf("bench: %s: driver achieved %,.0f/s, lateness p99 %s ms%s%n", name, driver.achievedRate(),
                SummaryTable.number(driver.latenessP99Ms(), "%.1f"), driver.behindSchedule() ? " (BEHIND SCHEDULE)" : "");
        long synced = db.awaitSynced(name, from, to, count, plan.timeout());
        Map<UUID, Integer> index = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            index.put(ids[i], i);
        }
        ToLongFunction<UUID> due = id -> {
            Integer i = index.get(id);
            return i == null ? Long.MIN_VALUE : clock.epochMicros(schedule.dueNanos(i));
        };
        return finish(window, name, "stream", String.format("open-loop sign-ups at %,d/s for %d s (sign-up i due at"
                + " t0 + i/rate, one autocommit insert each over %d connections); latencies from each sign-up's commit"
                + " (auth.users.created_at) and, for the schedule, from its due time", rate, plan.duration().toSeconds(),
                plan.connections()), count, synced, from, to, null, due, driver).complete();
    }

    private BenchReport.Phase sameBase(boolean distinct) throws Exception {
        int n = plan.sameBaseUsers();
        String name = distinct ? "same-base-distinct" : "same-base-one";
        progress.printf("bench: %s: inserting %,d anonymous users in transactions of %,d%n", name, n, SAME_BASE_CHUNK);
        Window window = begin();
        Timestamp from = db.now();
        for (int done = 0; done < n; done += SAME_BASE_CHUNK) {
            db.bulk(FakeUsers.anonymous(FakeUsers.SERIES, distinct), Math.min(SAME_BASE_CHUNK, n - done));
        }
        Timestamp to = db.now();
        long synced = db.awaitSynced(name, from, to, n, plan.timeout());
        return finish(window, name, "same-base", String.format("%,d anonymous users %s, inserted in bulk while the pipeline"
                + " runs; users/s from the first insert to the last row", n, distinct
                        ? "each with its own full name, so each has its own username base (the comparison)"
                        : "without email or name, so all share the username base 'user' (user, user2, user3, ...)"),
                n, synced, from, to, null, null, null);
    }

    /** Where the process stood when a phase began. */
    private record Window(long startNanos, long processCpu, long benchCpu, KafkaBytes.Snapshot kafka) {
    }

    private Window begin() throws InterruptedException {
        return new Window(System.nanoTime(), sampler.processCpuNanos(), benchCpuNanos(), kafkaBytes.take());
    }

    private long benchCpuNanos() {
        return driverCpuNanos + (probe == null ? 0 : probe.cpuNanos());
    }

    /**
     * Reads the phase's users back (created in [from, to)), joins them with what the probe saw and
     * closes the phase's window.
     *
     * @param startMicros when given, latencies are from this moment (backfill: the users existed before)
     * @param due         when given, each user's due time in the driver's schedule
     */
    private BenchReport.Phase finish(Window window, String name, String phase, String description, long users, long synced,
            Timestamp from, Timestamp to, Long startMicros, ToLongFunction<UUID> due, OpenLoopDriver.Summary driver)
            throws Exception {
        long endNanos = System.nanoTime();
        long processCpu = sampler.processCpuNanos() - window.processCpu();
        long benchCpu = benchCpuNanos() - window.benchCpu();
        KafkaBytes.Snapshot kafkaEnd = kafkaBytes.take();
        Arrivals.First cdc = probe.cdc().takeFirst();
        Arrivals.First profiles = probe.profiles().takeFirst();

        PhaseLatencies latencies = PhaseLatencies.read(db.connection(), from, to, startMicros, cdc, profiles, due);
        Map<String, BenchReport.StageLatency> latency = latencies.stages();
        long firstRow = latencies.firstRowMicros();
        long lastRow = latencies.lastRowMicros();
        long fromMicros = startMicros != null ? startMicros : BenchDatabase.micros(from);
        Double seconds = lastRow == Long.MIN_VALUE ? null : (lastRow - fromMicros) / 1e6;
        Double firstRowSeconds = firstRow == Long.MAX_VALUE ? null : (firstRow - fromMicros) / 1e6;
        double startSeconds = clock.seconds(window.startNanos());
        double endSeconds = clock.seconds(endNanos);
        BenchReport.Phase result = new BenchReport.Phase(name, phase, description, users, synced, synced >= users,
                startSeconds, endSeconds, seconds == null ? 0 : seconds,
                seconds == null || seconds <= 0 ? null : synced / seconds, firstRowSeconds, latency, driver,
                resources(window, endNanos, processCpu, benchCpu, synced), KafkaBytes.usage(window.kafka(), kafkaEnd, synced));
        phases.add(result);
        return result;
    }

    private BenchReport.Resources resources(Window window, long endNanos, long processCpu, long benchCpu, long users) {
        List<ResourceSampler.Sample> samples = sampler.between(clock.seconds(window.startNanos()), clock.seconds(endNanos));
        double wall = (endNanos - window.startNanos()) / 1e9;
        double pipelineCpu = Math.max(0, processCpu - benchCpu) / 1e9;
        return new BenchReport.Resources(pipelineCpu, benchCpu / 1e9, users == 0 ? null : pipelineCpu * 1000 / users,
                wall <= 0 ? null : 100 * processCpu / 1e9 / wall / sampler.cores(),
                samples.stream().mapToDouble(ResourceSampler.Sample::cpuPercent).boxed().max(Double::compare).orElse(null),
                samples.stream().mapToDouble(ResourceSampler.Sample::heapUsedMb).boxed().max(Double::compare).orElse(null),
                samples.isEmpty() ? null : samples.stream().mapToDouble(ResourceSampler.Sample::heapUsedMb).average().orElse(0),
                samples.stream().map(ResourceSampler.Sample::rssMb).filter(v -> v != null).max(Double::compare).orElse(null));
    }

    @Override
    public void close() throws SQLException {
        sampler.close();
        if (probe != null) {
            probe.close();
        }
        if (application != null) {
            application.close();
        }
        admin.close();
        db.close();
    }
}
