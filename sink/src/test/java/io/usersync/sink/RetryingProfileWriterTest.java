package io.usersync.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.database.ProfileTable;
import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.sink.batch.Batch;
import io.usersync.sink.write.ProfileWriter;

/** How the sink treats database failures, against a data source that fails every connection attempt. */
class RetryingProfileWriterTest {

    private static final SinkConfig CONFIG = new SinkConfig(new DatabaseSettings("jdbc:postgresql://db/postgres", "u", "p"),
            new KafkaClientSettings(Map.of("bootstrap.servers", "broker:9092")), "profiles", "dlt", "group", 500,
            Duration.ZERO, SinkConfig.DeleteMode.HARD, 1, Duration.ofMillis(100), Duration.ofSeconds(5));
    private static final Batch BATCH = new Batch(List.of(), Map.of());

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SinkHealthTracker health = new SinkHealthTracker();
    private final List<Duration> waits = new ArrayList<>();

    private RetryingProfileWriter failingWith(SQLException error) {
        return failingWith(error, CONFIG);
    }

    private RetryingProfileWriter failingWith(SQLException error, SinkConfig config) {
        DataSource dataSource = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        throw error;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new RetryingProfileWriter(new ProfileWriter(dataSource, ProfileTable.DEFAULT, "group", SinkConfig.DeleteMode.HARD, false), config, health,
                new SinkMetrics(registry));
    }

    private static SinkConfig withRetry(Duration first, Duration max, double jitter) {
        return new SinkConfig(CONFIG.database(), CONFIG.kafka(), "profiles", "dlt", "group", 500, Duration.ZERO,
                SinkConfig.DeleteMode.HARD, 1, first, max, jitter, SinkConfig.DEFAULT_USERNAME_WAIT, null);
    }

    /** True the first {@code times} times it is asked, then false: the caller gives up. */
    private static BooleanSupplier trueFor(int times) {
        AtomicInteger asked = new AtomicInteger();
        return () -> asked.incrementAndGet() <= times;
    }

    @Test
    void shouldRetryATransientWriteFailureWithBackoffUntilTheCallerStops() {
        RetryingProfileWriter writer = failingWith(new SQLTransientConnectionException("connection refused"));

        RetryingProfileWriter.Written written = writer.write(BATCH, (write, error) -> { }, trueFor(3), waits::add);

        assertThat(written).isNull();
        assertThat(waits).hasSize(3).allSatisfy(wait -> assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(5)));
        assertThat(registry.get("usersync.sink.retries").counter().count()).isEqualTo(3);
    }

    @Test
    void shouldWaitTheConfiguredBackoffDoublingUpToItsMaximumWhenJitterIsZero() {
        RetryingProfileWriter writer = failingWith(new SQLTransientConnectionException("connection refused"),
                withRetry(Duration.ofMillis(50), Duration.ofMillis(300), 0));

        writer.write(BATCH, (write, error) -> { }, trueFor(6), waits::add);

        assertThat(waits).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofMillis(300));
    }

    @Test
    void shouldDrawEachWaitFromTheJitteredPartOfItsCeiling() {
        RetryingProfileWriter writer = failingWith(new SQLTransientConnectionException("connection refused"),
                withRetry(Duration.ofMillis(200), Duration.ofMillis(1600), 0.25));

        writer.write(BATCH, (write, error) -> { }, trueFor(200), waits::add);

        long[] ceilings = {200, 400, 800, 1600};
        for (int i = 0; i < waits.size(); i++) {
            long ceiling = ceilings[Math.min(i, ceilings.length - 1)];
            assertThat(waits.get(i).toMillis()).as("wait %d", i).isBetween(ceiling - ceiling / 4, ceiling);
        }
        // 196 waits at the 1600 ms ceiling drawn from 401 values: not all the same, so jitter is applied.
        assertThat(waits.subList(4, waits.size()).stream().distinct().count()).isGreaterThan(1);
    }

    @Test
    void shouldReportDownWhileAWriteWaitsForTheDatabase() {
        RetryingProfileWriter writer = failingWith(new SQLTransientConnectionException("connection refused"));

        writer.write(BATCH, (write, error) -> { }, trueFor(1), waits::add);

        assertThat(health.current().up()).isFalse();
        assertThat(health.current().reason()).startsWith("database unavailable");
    }

    @Test
    void shouldStopOnAWriteFailureThatIsNotTransient() {
        RetryingProfileWriter writer = failingWith(new SQLException("permission denied for table users", "42501"));

        assertThatThrownBy(() -> writer.write(BATCH, (write, error) -> { }, trueFor(3), waits::add))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("cannot write to public.users");
        assertThat(waits).isEmpty();
    }

    @Test
    void shouldRetryReadingStoredOffsetsWhileTheDatabaseIsDown() {
        RetryingProfileWriter writer = failingWith(new SQLTransientConnectionException("connection refused"));

        Map<TopicPartition, Long> offsets = writer.storedOffsets(List.of(new TopicPartition("profiles", 0)), trueFor(2),
                waits::add);

        assertThat(offsets).isNull();
        assertThat(waits).hasSize(2);
        assertThat(health.current().up()).isFalse();
    }

    @Test
    void shouldStopWhenStoredOffsetsCanNeverBeRead() {
        RetryingProfileWriter writer = failingWith(new SQLException("relation does not exist", "42P01"));

        assertThatThrownBy(() -> writer.storedOffsets(List.of(new TopicPartition("profiles", 0)), trueFor(2), waits::add))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("cannot read stored offsets");
    }

    @Test
    void shouldAnswerFalseAndReportDownWhenAPingFindsTheDatabaseUnavailable() {
        health.writing();
        RetryingProfileWriter writer = failingWith(new SQLTransientConnectionException("connection refused"));

        assertThat(writer.ping()).isFalse();
        assertThat(health.current().up()).isFalse();
        assertThat(health.current().reason()).startsWith("database unavailable");
    }
}
