package io.usersync.capture.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.usersync.capture.CaptureConfig;
import io.usersync.capture.CaptureStage;
import io.usersync.capture.DebeziumSettings;
import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.schemas.testing.TestDatabase;

/**
 * Capture alone: sign-ups inserted at a fixed rate, latency from the commit in auth.users (the change's
 * {@code source.ts_ms}) to the CDC record's creation by the publisher. Prints p50/p95/p99; asserts nothing.
 *
 * <p>Run: {@code mvn -q -pl capture -am install -DskipTests && mvn -q -pl capture test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.usersync.capture.bench.CaptureLatencyBenchmark -Dexec.args="RATE USERS"}
 */
public final class CaptureLatencyBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startTemporary();
                EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startTemporary()) {
            TestDatabase database = TestDatabase.migrated(postgres);
            CaptureConfig config = new CaptureConfig(
                    database.settings(),
                    KafkaClientSettings.bootstrapServers(kafka.bootstrapServers()), "cdc", null, 6, "bench", "usersync",
                    new CaptureConfig.OffsetStore.KafkaTopic("bench-offsets"), CaptureConfig.DEFAULT_POLL_INTERVAL,
                    CaptureConfig.DEFAULT_MAX_BATCH_SIZE, CaptureConfig.DEFAULT_HEARTBEAT_INTERVAL,
                    DebeziumSettings.NONE);
            try (CaptureStage capture = new CaptureStage(config, database.dataSource());
                    Connection connection = database.connect();
                    PreparedStatement insert = connection.prepareStatement("insert into auth.users (id, aud, role, email,"
                            + " raw_user_meta_data, raw_app_meta_data, created_at, updated_at) values (?, 'authenticated',"
                            + " 'authenticated', ?, '{}', '{}', now(), now())");
                    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                            ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                            new StringDeserializer(), new StringDeserializer())) {
                capture.start();
                consumer.subscribe(Set.of(config.topic()));
                List<Long> latencies = new ArrayList<>();
                long start = System.nanoTime();
                long interval = TimeUnit.SECONDS.toNanos(1) / rate;
                for (int i = 0; i < users; i++) {
                    while (System.nanoTime() < start + i * interval) {
                        collect(consumer, latencies, Duration.ZERO);
                    }
                    insert.setObject(1, UUID.randomUUID());
                    insert.setString(2, "bench" + i + "@example.com");
                    insert.executeUpdate();
                }
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                while (latencies.size() < users && System.nanoTime() < deadline) {
                    collect(consumer, latencies, Duration.ofMillis(100));
                }
                Collections.sort(latencies);
                System.out.printf("capture at %d/s, %d users: p50 %d ms, p95 %d ms, p99 %d ms (%d changes)%n", rate, users,
                        at(latencies, 0.5), at(latencies, 0.95), at(latencies, 0.99), latencies.size());
            }
            database.execute("select pg_drop_replication_slot('bench')");
        }
    }

    private static void collect(KafkaConsumer<String, String> consumer, List<Long> latencies, Duration wait) throws Exception {
        for (ConsumerRecord<String, String> record : consumer.poll(wait)) {
            if (record.value() != null) {
                latencies.add(record.timestamp() - MAPPER.readTree(record.value()).at("/source/ts_ms").asLong());
            }
        }
    }

    private static long at(List<Long> sorted, double quantile) {
        return sorted.isEmpty() ? -1 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(quantile * sorted.size())));
    }
}
