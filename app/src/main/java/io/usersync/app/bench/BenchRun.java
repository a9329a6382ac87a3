package io.usersync.app.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.LongStream;

import org.apache.kafka.clients.admin.Admin;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigException;
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
    private static final Duration POLL = Duration.ofMillis(500);

    /** What to run; sizes in users, rates in sign-ups per second. */
    record Plan(boolean backfill, int backfillUsers, List<Integer> rates, Duration duration, int connections,
            boolean sameBase, int sameBaseUsers, Duration timeout) {
    }

    private final AppConfig config;
    private final Plan plan;
    private final PrintStream progress;
    private final WallClock clock = new WallClock();
    private final ResourceSampler sampler;
    private final Connection db;
    private final Admin admin;
    private final KafkaBytes kafkaBytes;
    private final List<BenchReport.Phase> phases = new ArrayList<>();
    private final Map<String, Double> ratios = new LinkedHashMap<>();
    private Application application;
    private StageProbe probe;
    private long nextSeq = 1;
    private long driverCpuNanos;

    BenchRun(AppConfig config, Plan plan, PrintStream progress, Duration sampleInterval) throws SQLException {
        this.config = config;
        this.plan = plan;
        this.progress = progress;
        this.db = connect();
        this.admin = Admin.create(Map.of("bootstrap.servers", config.kafkaBootstrapServers().orElseThrow()));
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
        long authUsers = count("select count(*) from auth.users");
        long rows = count("select count(*) from public.users");
        if (authUsers > 0 || rows > 0) {
            problems.add("bench needs an empty auth.users and public.users (it inserts users and measures their sync);"
                    + " found " + authUsers + " and " + rows + " rows. Fix: point USERSYNC_DB_URL at a dedicated, disposable"
                    + " database, or leave it unset for a fresh embedded one.");
        }
        try (PreparedStatement slot = db.prepareStatement("select count(*) from pg_replication_slots where slot_name = ?")) {
            slot.setString(1, config.slotName());
            try (ResultSet rs = slot.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    problems.add("replication slot " + config.slotName() + " exists; the bench's capture must start from"
                            + " scratch. Fix: a fresh database, or another USERSYNC_SLOT_NAME.");
                }
            }
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
            progress.printf("bench: pipeline warmed up in %.1f s%n", WarmUp.sendOneUserThrough(db).toMillis() / 1e3);
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
        probe = new StageProbe(config.kafkaBootstrapServers().orElseThrow(), TopicNames.CDC, TopicNames.PROFILES, clock);
    }

    private boolean backfill() throws Exception {
        int n = plan.backfillUsers();
        Timestamp loadStart = dbNow();
        long loadStarted = System.nanoTime();
        for (int done = 0; done < n; done += BACKFILL_CHUNK) {
            bulk(FakeUsers.google(FakeUsers.SERIES), Math.min(BACKFILL_CHUNK, n - done));
            progress.printf("bench: backfill: loaded %,d of %,d users into auth.users%n", Math.min(done + BACKFILL_CHUNK, n), n);
        }
        progress.printf("bench: backfill: %,d users loaded in %.1f s; starting the pipeline%n", n,
                (System.nanoTime() - loadStarted) / 1e9);
        try (Statement analyze = db.createStatement()) {
            analyze.execute("analyze auth.users");
        }
        Window window = begin();
        Timestamp t0 = dbNow();
        startPipeline();
        long synced = awaitSynced("backfill", loadStart, t0, n);
        long t0Micros = micros(t0);
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
        long firstSeq = take(count);
        progress.printf("bench: %s: %,d sign-ups at %,d/s over %d connections%n", name, count, rate, plan.connections());
        Window window = begin();
        Timestamp from = dbNow();
        OpenLoopDriver.Schedule schedule = new OpenLoopDriver(OpenLoopDriver.Clock.SYSTEM).run(rate, count,
                plan.connections(), () -> signUp(firstSeq, ids));
        driverCpuNanos += schedule.cpuNanos();
        Timestamp to = dbNow();
        OpenLoopDriver.Summary driver = schedule.summary(plan.connections());
        progress.printf("bench: %s: driver achieved %,.0f/s, lateness p99 %s ms%s%n", name, driver.achievedRate(),
                SummaryTable.number(driver.latenessP99Ms(), "%.1f"), driver.behindSchedule() ? " (BEHIND SCHEDULE)" : "");
        long synced = awaitSynced(name, from, to, count);
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
        Timestamp from = dbNow();
        for (int done = 0; done < n; done += SAME_BASE_CHUNK) {
            bulk(FakeUsers.anonymous(FakeUsers.SERIES, distinct), Math.min(SAME_BASE_CHUNK, n - done));
        }
        Timestamp to = dbNow();
        long synced = awaitSynced(name, from, to, n);
        return finish(window, name, "same-base", String.format("%,d anonymous users %s, inserted in bulk while the pipeline"
                + " runs; users/s from the first insert to the last row", n, distinct
                        ? "each with its own full name, so each has its own username base (the comparison)"
                        : "without email or name, so all share the username base 'user' (user, user2, user3, ...)"),
                n, synced, from, to, null, null, null);
    }

    private OpenLoopDriver.SignUp signUp(long firstSeq, UUID[] ids) throws SQLException {
        Connection connection = connect();
        PreparedStatement insert = connection.prepareStatement(FakeUsers.google(FakeUsers.ONE));
        return new OpenLoopDriver.SignUp() {
            @Override
            public void insert(int index) throws SQLException {
                insert.setLong(1, firstSeq + index);
                insert.setObject(2, ids[index]);
                insert.executeUpdate();
            }

            @Override
            public void close() throws SQLException {
                insert.close();
                connection.close();
            }
        };
    }

    private void bulk(String sql, int count) throws SQLException {
        long first = take(count);
        try (PreparedStatement insert = db.prepareStatement(sql)) {
            insert.setLong(1, first);
            insert.setLong(2, first + count - 1);
            insert.executeUpdate();
        }
    }

    private long take(int count) {
        long first = nextSeq;
        nextSeq += count;
        return first;
    }

    /** Waits until the users created in [from, to) all have their row; returns how many do. */
    private long awaitSynced(String name, Timestamp from, Timestamp to, long expected) throws Exception {
        long deadline = System.nanoTime() + plan.timeout().toNanos();
        long lastReport = System.nanoTime();
        long synced;
        try (PreparedStatement query = db.prepareStatement(
                "select count(*) from public.users where created_at >= ? and created_at < ?")) {
            query.setTimestamp(1, from);
            query.setTimestamp(2, to);
            while (true) {
                try (ResultSet rs = query.executeQuery()) {
                    rs.next();
                    synced = rs.getLong(1);
                }
                if (synced >= expected || System.nanoTime() > deadline) {
                    break;
                }
                if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(5)) {
                    progress.printf("bench: %s: %,d of %,d users synced%n", name, synced, expected);
                    lastReport = System.nanoTime();
                }
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
            }
        }
        progress.printf("bench: %s: %,d of %,d users synced%n", name, synced, expected);
        return synced;
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
        Map<UUID, Long> cdc = probe.cdc().firstById();
        Map<UUID, Long> profiles = probe.profiles().firstById();
        probe.cdc().clear();
        probe.profiles().clear();

        LongStream.Builder commitToCdc = LongStream.builder();
        LongStream.Builder cdcToProfile = LongStream.builder();
        LongStream.Builder profileToRow = LongStream.builder();
        LongStream.Builder dueToRow = LongStream.builder();
        LongStream.Builder commitToRow = LongStream.builder();
        long firstRow = Long.MAX_VALUE;
        long lastRow = Long.MIN_VALUE;
        try (PreparedStatement query = db.prepareStatement("select a.id,"
                + " floor(extract(epoch from a.created_at) * 1000000)::bigint,"
                + " floor(extract(epoch from p.synced_at) * 1000000)::bigint"
                + " from auth.users a join public.users p on p.id = a.id where a.created_at >= ? and a.created_at < ?")) {
            query.setTimestamp(1, from);
            query.setTimestamp(2, to);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    long reference = startMicros != null ? startMicros : rs.getLong(2);
                    long row = rs.getLong(3);
                    firstRow = Math.min(firstRow, row);
                    lastRow = Math.max(lastRow, row);
                    Long cdcAt = cdc.get(id);
                    Long profileAt = profiles.get(id);
                    // Backfill: every stage from the pipeline's start; otherwise each stage from the one before.
                    if (cdcAt != null) {
                        commitToCdc.add(cdcAt - reference);
                    }
                    if (profileAt != null) {
                        if (startMicros != null) {
                            cdcToProfile.add(profileAt - reference);
                        } else {
                            if (cdcAt != null) {
                                cdcToProfile.add(profileAt - cdcAt);
                            }
                            profileToRow.add(row - profileAt);
                        }
                    }
                    if (due != null) {
                        long dueAt = due.applyAsLong(id);
                        if (dueAt != Long.MIN_VALUE) {
                            dueToRow.add(row - dueAt);
                        }
                    }
                    commitToRow.add(row - reference);
                }
            }
        }
        Map<String, BenchReport.StageLatency> latency = new LinkedHashMap<>();
        if (startMicros != null) {
            latency.put("start_to_cdc", stage("pipeline start → CDC record", commitToCdc));
            latency.put("start_to_profile", stage("pipeline start → profile visible", cdcToProfile));
            latency.put(START_TO_ROW, stage("pipeline start → row written", commitToRow));
        } else {
            latency.put("commit_to_cdc", stage("commit → CDC record", commitToCdc));
            latency.put("cdc_to_profile", stage("CDC record → profile visible", cdcToProfile));
            latency.put("profile_to_row", stage("profile visible → row written", profileToRow));
            if (due != null) {
                latency.put("due_to_row", stage("due (driver schedule) → row written", dueToRow));
            }
            latency.put(COMMIT_TO_ROW, stage("commit → row written (end to end)", commitToRow));
        }
        long fromMicros = startMicros != null ? startMicros : micros(from);
        Double seconds = lastRow == Long.MIN_VALUE ? null : (lastRow - fromMicros) / 1e6;
        Double firstRowSeconds = firstRow == Long.MAX_VALUE ? null : (firstRow - fromMicros) / 1e6;
        double startSeconds = clock.seconds(window.startNanos());
        double endSeconds = clock.seconds(endNanos);
        BenchReport.Phase result = new BenchReport.Phase(name, phase, description, users, synced, synced >= users,
                startSeconds, endSeconds, seconds == null ? 0 : seconds,
                seconds == null || seconds <= 0 ? null : synced / seconds, firstRowSeconds, latency, driver,
                resources(window, endNanos, processCpu, benchCpu, synced), kafka(window.kafka(), kafkaEnd, synced));
        phases.add(result);
        return result;
    }

    private static BenchReport.StageLatency stage(String label, LongStream.Builder micros) {
        return new BenchReport.StageLatency(label, Distribution.ofMicros(micros.build().toArray()));
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

    private static BenchReport.KafkaUsage kafka(KafkaBytes.Snapshot before, KafkaBytes.Snapshot after, long users) {
        Map<String, Long> produced = KafkaBytes.producedBetween(before, after);
        Map<String, Long> growth = KafkaBytes.logGrowthBetween(before, after);
        long producedTotal = produced.values().stream().mapToLong(Long::longValue).sum();
        long growthTotal = growth.values().stream().mapToLong(Long::longValue).sum();
        return new BenchReport.KafkaUsage(producedTotal, users == 0 ? null : (double) producedTotal / users, growthTotal,
                users == 0 ? null : (double) growthTotal / users, produced, growth);
    }

    private Timestamp dbNow() throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery("select clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    private long count(String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long micros(Timestamp timestamp) {
        return timestamp.getTime() / 1000 * 1_000_000 + timestamp.getNanos() / 1000;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(config.dbUrl().orElseThrow(), config.dbUser(), config.dbPassword());
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
