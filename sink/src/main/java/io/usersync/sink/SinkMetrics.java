package io.usersync.sink;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The sink's figures in Micrometer. */
final class SinkMetrics {

    private final Counter upserted;
    private final Counter deleted;
    private final Counter retries;
    private final Counter deadLetters;
    private final Counter usernameHolds;
    private final DistributionSummary batchSize;
    private final Timer batchWrite;
    private final Timer latency;

    SinkMetrics(MeterRegistry registry) {
        upserted = Counter.builder("usersync.sink.rows.upserted").description("Rows inserted or updated").register(registry);
        deleted = Counter.builder("usersync.sink.rows.deleted").description("Rows deleted").register(registry);
        retries = Counter.builder("usersync.sink.retries").description("Batch writes retried after a transient failure")
                .register(registry);
        deadLetters = Counter.builder("usersync.sink.dead.letters").description("Profiles sent to the dead-letter topic")
                .register(registry);
        usernameHolds = Counter.builder("usersync.sink.username.holds")
                .description("Times a partition was held back at a profile whose username another row still holds")
                .register(registry);
        batchSize = DistributionSummary.builder("usersync.sink.batch.size").description("Writes per batch")
                .publishPercentileHistogram().register(registry);
        batchWrite = Timer.builder("usersync.sink.batch.write").description("Time to write and commit one batch")
                .publishPercentileHistogram().register(registry);
        latency = Timer.builder("usersync.sync.latency")
                .description("From the commit in auth.users to the commit of the row in public.users")
                .publishPercentileHistogram()
                .publishPercentiles(0.5, 0.95, 0.99)
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
    }

    void batchWritten(int size, Duration took) {
        batchSize.record(size);
        batchWrite.record(took);
    }

    void rows(int upserts, int deletes) {
        upserted.increment(upserts);
        deleted.increment(deletes);
    }

    void latency(Duration sinceSourceCommit) {
        latency.record(sinceSourceCommit.isNegative() ? Duration.ZERO : sinceSourceCommit);
    }

    void retry() {
        retries.increment();
    }

    void usernameHold() {
        usernameHolds.increment();
    }

    void deadLetter() {
        deadLetters.increment();
    }
}
