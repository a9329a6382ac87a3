package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.usersync.app.config.ConfigLoader;
import io.usersync.app.deadletter.AlertsService;
import io.usersync.app.deadletter.WebhookNotifier;
import io.usersync.app.run.Application;
import io.usersync.schemas.TopicNames;

/** Poison records become a few aggregated webhook alerts; a killed alerts consumer loses none and repeats none. */
class AlertsIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WINDOW = Duration.ofSeconds(2);

    private static Application application;
    private static HttpServer webhook;
    private static final List<JsonNode> posts = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        application = Application.start(ConfigLoader.load(Map.of(
                "USERSYNC_DATA_DIR", Files.createTempDirectory("usersync-alerts-it").toString(),
                "USERSYNC_HTTP_PORT", "0", "USERSYNC_PARTITIONS", "3", "USERSYNC_RECONCILE_INTERVAL_S", "0"), Map.of()));
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            posts.add(MAPPER.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();
    }

    @AfterAll
    static void stop() {
        webhook.stop(0);
        application.close();
    }

    @Test
    void shouldAlertEveryDeadLetterOnceInAFewMessagesAcrossAKillAndRestart() throws Exception {
        String bootstrap = application.config().kafkaBootstrapServers().orElseThrow();
        WebhookNotifier notifier = new WebhookNotifier(URI.create("http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook"),
                3, Duration.ofMillis(100));
        AlertsService first = new AlertsService(application.config().kafka(), TopicNames.DEAD_LETTERS, WINDOW, notifier);
        first.start();

        poison(bootstrap, 50);
        await().atMost(Duration.ofMinutes(1)).until(() -> alerted() == 50);
        assertThat(posts.size()).isBetween(1, 3);
        first.close();

        poison(bootstrap, 20);
        AlertsService second = new AlertsService(application.config().kafka(), TopicNames.DEAD_LETTERS, WINDOW, notifier);
        second.start();
        try {
            await().atMost(Duration.ofMinutes(1)).until(() -> alerted() == 70);
            await().during(WINDOW.multipliedBy(3)).atMost(WINDOW.multipliedBy(4)).until(() -> alerted() == 70);
            assertThat(posts.size()).isBetween(2, 6);
            assertThat(posts).allSatisfy(post -> assertThat(post.get("text").asText()).contains("not-json"));
        } finally {
            second.close();
        }
    }

    /** Bytes that are not JSON, on the CDC topic: the stream processor dead-letters each. */
    private static void poison(String bootstrap, int count) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(TopicNames.CDC, "poison-" + i, new byte[] {0x00, 0x01, (byte) i}));
            }
        }
    }

    /** Dead letters counted across every alert received. */
    private static long alerted() {
        long total = 0;
        for (JsonNode post : posts) {
            for (JsonNode field : post.at("/attachments/0/fields")) {
                if (field.get("title").asText().equals("count")) {
                    total += Long.parseLong(field.get("value").asText());
                }
            }
        }
        return total;
    }
}
