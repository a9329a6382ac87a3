package io.usersync.app.chaos;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.usersync.app.kafka.ToTheEnd;
import io.usersync.app.reconcile.DriftReport;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.schemas.profile.ProfileHeaders;

/**
 * Where a user who did not converge went astray, for the message of a failed convergence: their rows in auth.users and
 * public.users, and every record keyed by them in the CDC and profiles topics (offset, operation, LSN). A test that
 * fails on a busy machine says why in its one line of output.
 */
final class DriftTrail {

    /** The users described at most, drifted and missing ones first: orphans are common and alike. */
    private static final int USERS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource database;
    private final String bootstrapServers;

    DriftTrail(DataSource database, String bootstrapServers) {
        this.database = database;
        this.bootstrapServers = bootstrapServers;
    }

    String describe(DriftReport drift) {
        List<String> ids = Stream.of(drift.drifted(), drift.missing(), drift.orphaned()).flatMap(List::stream)
                .limit(USERS).toList();
        StringBuilder text = new StringBuilder(drift.toString());
        try {
            for (String id : ids) {
                text.append("; ").append(id).append(": ").append(rows(id))
                        .append(" cdc ").append(trail(TopicNames.CDC, id, DriftTrail::change))
                        .append(" profiles ").append(trail(TopicNames.PROFILES, id, DriftTrail::profile));
            }
        } catch (Exception e) {
            text.append("; trail not read: ").append(e);
        }
        return text.toString();
    }

    private String rows(String id) throws SQLException {
        try (Connection connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement("""
                select json_build_object(
                    'auth', (select json_build_object('email', a.email, 'meta', a.raw_user_meta_data,
                        'updated_at', a.updated_at) from auth.users a where a.id = ?::uuid),
                    'public', (select json_build_object('email', u.email, 'full_name', u.full_name, 'avatar_url', u.avatar_url,
                        'username', u.username, 'source_lsn', u.source_lsn, 'synced_at', u.synced_at)
                        from public.users u where u.id = ?::uuid),
                    'app_owned', (select array_agg(o.field) from usersync.app_owned_fields o where o.user_id = ?::uuid),
                    'writes', (select json_agg(json_build_array(w.source_lsn, w.writes)) from public.write_counts w
                        where w.id = ?::uuid))
                """)) {
            for (int parameter = 1; parameter <= 4; parameter++) {
                statement.setString(parameter, id);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private interface Describer {
        String describe(ConsumerRecord<String, String> record) throws Exception;
    }

    private String trail(String topic, String id, Describer describer) throws Exception {
        Map<String, Object> properties = KafkaClientSettings.bootstrapServers(bootstrapServers).clientProperties(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        List<String> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new StringDeserializer())) {
            for (List<ConsumerRecord<String, String>> partition
                    : ToTheEnd.read(consumer, ToTheEnd.partitions(consumer, topic)).values()) {
                for (ConsumerRecord<String, String> record : partition) {
                    if (id.equals(record.key())) {
                        records.add(record.partition() + ":" + record.offset() + " " + describer.describe(record));
                    }
                }
            }
        }
        return records.toString();
    }

    private static String change(ConsumerRecord<String, String> record) throws Exception {
        if (record.value() == null) {
            return "tombstone";
        }
        JsonNode change = JSON.readTree(record.value());
        JsonNode after = change.path("after");
        return change.path("op").asText() + "@" + change.path("source").path("lsn").asText()
                + (after.isObject() ? " " + after.path("email").asText() + " " + after.path("raw_user_meta_data").asText() : "");
    }

    private static String profile(ConsumerRecord<String, String> record) throws Exception {
        if (record.value() == null) {
            Header lsn = record.headers().lastHeader(ProfileHeaders.SOURCE_LSN);
            return "tombstone@" + (lsn == null ? "?" : new String(lsn.value(), StandardCharsets.UTF_8));
        }
        JsonNode profile = JSON.readTree(record.value());
        return "@" + profile.path("source_lsn").asText() + " " + profile.path("email").asText() + " "
                + profile.path("full_name").asText();
    }
}
