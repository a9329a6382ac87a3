package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigLoader;
import io.usersync.app.deadletter.DeadLetter;
import io.usersync.app.deadletter.DeadLetterReader;
import io.usersync.app.deadletter.Redrive;
import io.usersync.app.run.Application;
import io.usersync.app.run.StageConfigs;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.profile.UserProfile;
import io.usersync.sink.SinkStage;

/** A dead letter redriven once its cause is fixed lands in public.users; a second redrive does nothing. */
class RedriveIT {

    private static Application application;

    @BeforeAll
    static void start() throws Exception {
        application = Application.start(ConfigLoader.load(Map.of(
                "USERSYNC_DATA_DIR", Files.createTempDirectory("usersync-redrive-it").toString(),
                "USERSYNC_HTTP_PORT", "0", "USERSYNC_PARTITIONS", "3", "USERSYNC_RECONCILE_INTERVAL_S", "0"), Map.of()));
    }

    @AfterAll
    static void stop() {
        application.close();
    }

    @Test
    void shouldLandTheRedrivenProfileOnceTheConflictIsGoneAndRedriveNothingTwice() throws Exception {
        AppConfig config = application.config();
        String squatter = UUID.randomUUID().toString();
        String user = UUID.randomUUID().toString();
        execute("insert into public.users (id, username, source_lsn) values ('" + squatter + "', 'held_name', 1)");
        UserProfile profile = new UserProfile(user, "held@example.com", "held_name", "Held", null, "email",
                List.of("email"), true, false, null, null, null, 10, System.currentTimeMillis(), false);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                config.kafkaBootstrapServers().orElseThrow()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TopicNames.PROFILES, user, new ObjectMapper().writeValueAsString(profile))).get();
        }
        DeadLetterReader reader = new DeadLetterReader(config.kafka(), TopicNames.DEAD_LETTERS);
        await().atMost(Duration.ofMinutes(1)).until(() -> rejected(reader.readAll(), user).size() == 1);
        assertThat(username(user)).isNull();

        execute("delete from public.users where id = '" + squatter + "'");
        Redrive redrive = new Redrive(StageConfigs.database(config), config.kafka());
        Redrive.Result first = redrive.redrive(rejected(reader.readAll(), user));

        assertThat(first.redriven()).isEqualTo(1);
        await().atMost(Duration.ofMinutes(1)).until(() -> "held_name".equals(username(user)));

        Redrive.Result second = redrive.redrive(rejected(reader.readAll(), user));
        assertThat(second.redriven()).isZero();
        assertThat(second.skipped()).isEqualTo(1);
    }

    private static List<DeadLetter> rejected(List<DeadLetter> letters, String user) {
        return letters.stream().filter(l -> user.equals(l.key()) && SinkStage.REASON_REJECTED.equals(l.reason())).toList();
    }

    private static Connection connect() throws SQLException {
        AppConfig config = application.config();
        return DriverManager.getConnection(config.dbUrl().orElseThrow(), config.dbUser(), config.dbPassword());
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String username(String id) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("select username from public.users where id = ?::uuid")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
