package io.usersync.processor.bench;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.processor.ProcessorConfig;
import io.usersync.processor.StreamProcessorStage;

/**
 * The stream processor alone on the embedded broker: sign-ups written to the CDC topic at a fixed rate,
 * latency from the CDC record's creation to the profile's append on the broker (the profiles topic uses
 * LogAppendTime here). Prints p50/p95/p99; asserts nothing.
 *
 * <p>Run: {@code mvn -q -pl stream-processor -am install -DskipTests && mvn -q -pl stream-processor
 * test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.usersync.processor.bench.ProcessorLatencyBenchmark
 * -Dexec.args="RATE USERS PARTITIONS"}
 */
public final class ProcessorLatencyBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startTemporary()) {
            ProcessorConfig config = ProcessorConfig.defaults(kafka.bootstrapServers(), partitions,
                    Files.createTempDirectory("bench-streams"));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(config.profilesTopic(), partitions, (short) 1).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime")))).all().get();
            }
            try (StreamProcessorStage stage = new StreamProcessorStage(config, new SimpleMeterRegistry());
                    KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                            ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new StringSerializer());
                    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                            ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                            new StringDeserializer(), new StringDeserializer())) {
                stage.start();
                consumer.subscribe(Set.of(config.profilesTopic()));
                Map<String, Long> sentAt = new HashMap<>();
                Map<String, Integer> order = new HashMap<>();
                long[] bySend = new long[users];
                warmUp(producer, consumer, config.cdcTopic());
                long start = System.nanoTime();
                long interval = TimeUnit.SECONDS.toNanos(1) / rate;
                List<Long> latencies = new ArrayList<>();
                for (int i = 0; i < users; i++) {
                    long due = start + i * interval;
                    while (System.nanoTime() < due) {
                        collect(consumer, sentAt, latencies, Duration.ZERO, order, bySend);
                    }
                    String id = UUID.randomUUID().toString();
                    long now = System.currentTimeMillis();
                    sentAt.put(id, now);
                    order.put(id, i);
                    producer.send(new ProducerRecord<>(config.cdcTopic(), null, now, id, change(id, i)));
                }
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (latencies.size() < users && System.nanoTime() < deadline) {
                    collect(consumer, sentAt, latencies, Duration.ofMillis(100), order, bySend);
                }
                StringBuilder timeline = new StringBuilder("max latency per second of sending:");
                for (int from = 0; from < users; from += rate) {
                    long max = 0;
                    for (int i = from; i < Math.min(users, from + rate); i++) {
                        max = Math.max(max, bySend[i]);
                    }
                    timeline.append(' ').append(max);
                }
                System.out.println(timeline);
                Collections.sort(latencies);
                System.out.printf("rate %d/s, %d users, %d partitions: p50 %d ms, p95 %d ms, p99 %d ms, max %d ms (%d profiles)%n",
                        rate, users, partitions, at(latencies, 0.50), at(latencies, 0.95), at(latencies, 0.99),
                        latencies.get(latencies.size() - 1), latencies.size());
            }
        }
    }

    private static void warmUp(KafkaProducer<String, String> producer, KafkaConsumer<String, String> consumer, String topic) {
        String id = UUID.randomUUID().toString();
        producer.send(new ProducerRecord<>(topic, id, change(id, -1)));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                if (record.key().equals(id)) {
                    return;
                }
            }
        }
        throw new IllegalStateException("the processor did not produce the warm-up profile");
    }

    private static void collect(KafkaConsumer<String, String> consumer, Map<String, Long> sentAt, List<Long> latencies,
            Duration wait, Map<String, Integer> order, long[] bySend) {
        for (ConsumerRecord<String, String> record : consumer.poll(wait)) {
            Long sent = sentAt.remove(record.key());
            if (sent != null) {
                latencies.add(record.timestamp() - sent);
                bySend[order.get(record.key())] = record.timestamp() - sent;
            }
        }
    }

    private static long at(List<Long> sorted, double quantile) {
        return sorted.isEmpty() ? -1 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(quantile * sorted.size())));
    }

    private static String change(String id, long lsn) {
        ObjectNode event = MAPPER.createObjectNode();
        event.putNull("before");
        ObjectNode after = event.putObject("after");
        after.put("id", id);
        after.put("email", "user" + (lsn % 700) + "@example.com");
        after.put("raw_user_meta_data", "{}");
        after.put("raw_app_meta_data", "{\"provider\":\"email\"}");
        ObjectNode source = event.putObject("source");
        source.put("lsn", 1_000 + lsn);
        source.put("ts_ms", System.currentTimeMillis());
        event.put("op", "c");
        event.put("ts_ms", System.currentTimeMillis());
        return event.toString();
    }
}
