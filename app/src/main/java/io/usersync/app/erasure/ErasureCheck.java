package io.usersync.app.erasure;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.usersync.schemas.database.ProfileTable;
import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.app.kafka.ToTheEnd;
import io.usersync.processor.topology.UserSyncTopology;
import io.usersync.schemas.kafka.KafkaClientSettings;

/**
 * Where a user's data still is, for an operator answering a deletion request: the user's rows in {@code auth.users}
 * and the profile table, the delete the sink recorded, and every record of the pipeline's topics that names the user,
 * by key or in its value, or that is keyed by one of their usernames (which the records that name them give). A
 * record that names the user holds their personal data when it holds one of the values of their personal fields found
 * in any of those records (email, phone, name, avatar, username), is keyed by their username, or is a state of the
 * processor's that is more than a deleted user's id and LSN. What it does not read: the processor's
 * state stores (they hold what their changelogs hold, until RocksDB compacts its files) and the broker's files below a
 * partition's start (deleted, awaiting removal).
 */
public final class ErasureCheck {

    private static final Pattern USERNAME = Pattern.compile("\"username\":\"([a-z0-9_]{1,64})\"");
    /**
     * A personal field of a profile, a change or the metadata a change carries as escaped JSON text: its value is what
     * the rest of the records are searched for.
     */
    private static final Pattern PERSONAL_FIELD = Pattern.compile(
            "\\\\?\"(email|phone|full_name|avatar_url|picture|username|preferred_username|user_name)\\\\?\":\\\\?\"([^\"\\\\]{3,})");

    /** One place and what it holds of the user. */
    public record Place(String name, int records, int withData) {
    }

    /**
     * @param deletedAt when the sink applied the user's delete, if it did
     * @param places    the database's rows first, then each topic
     */
    public record Report(UUID user, Optional<Instant> deletedAt, Duration bound, List<Place> places) {

        /** Nothing anywhere holds the user's personal data. */
        public boolean clear() {
            return places.stream().allMatch(place -> place.withData() == 0);
        }

        public String render(Instant now) {
            StringBuilder text = new StringBuilder("user ").append(user).append(": ");
            text.append(deletedAt.map(at -> "deleted at " + at + "; USERSYNC_ERASURE_BOUND " + bound.toString().substring(2)
                            .toLowerCase(Locale.ROOT) + ", so gone from the topics by " + at.plus(bound)
                            + (now.isAfter(at.plus(bound)) ? " (passed)" : ""))
                    .orElse("no delete applied by the sink"));
            text.append(System.lineSeparator());
            text.append(String.format("%-48s %8s %10s%n", "place", "records", "with data"));
            for (Place place : places) {
                text.append(String.format("%-48s %8d %10d%n", place.name(), place.records(), place.withData()));
            }
            text.append(clear() ? "nothing holds the user's personal data" : "some places still hold the user's personal data");
            text.append(" (not read: the processor's state stores, which follow their changelogs)").append(System.lineSeparator());
            return text.toString();
        }
    }

    private final DataSource database;
    private final ProfileTable table;
    private final KafkaClientSettings kafka;
    private final Duration bound;
    private final String userStateChangelog;

    /** @param userStateChangelog the processor's {@code user-state} changelog, whose values are binary states */
    public ErasureCheck(DataSource database, ProfileTable table, KafkaClientSettings kafka, Duration bound,
            String userStateChangelog) {
        this.database = database;
        this.table = table;
        this.kafka = kafka;
        this.bound = bound;
        this.userStateChangelog = userStateChangelog;
    }

    /**
     * @param topics         the topics to read, in order
     * @param keyedByName    those of them keyed by a username
     */
    public Report check(UUID user, List<String> topics, Set<String> keyedByName) throws SQLException {
        List<Place> places = new ArrayList<>();
        Optional<Instant> deletedAt;
        try (Connection connection = database.getConnection()) {
            deletedAt = deletedAt(connection, user);
            int source = rows(connection, "auth.users", user);
            places.add(new Place("auth.users", source, source));
            // A row the sink deleted softly is kept with its personal fields cleared (USERSYNC_SINK_DELETE_MODE=soft).
            int profile = rows(connection, table.qualified(), user);
            places.add(new Place(table.qualified(), profile, deletedAt.isPresent() ? 0 : profile));
        }
        String id = user.toString();
        Map<String, List<ConsumerRecord<byte[], byte[]>>> read = new LinkedHashMap<>();
        Set<String> usernames = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.clientProperties(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "usersync-erasure-check",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Set<String> existing = consumer.listTopics().keySet();
            for (String topic : topics) {
                if (existing.contains(topic)) {
                    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
                    ToTheEnd.read(consumer, ToTheEnd.partitions(consumer, topic)).values().forEach(records::addAll);
                    records.removeIf(record -> record.headers().lastHeader(DeadLetterHeaders.SEGMENT_MARKER) != null);
                    read.put(topic, records);
                }
            }
        }
        Set<String> personal = new HashSet<>();
        read.values().forEach(records -> records.stream().filter(record -> UserIds.in(record).contains(id))
                .forEach(record -> {
                    usernames.addAll(matches(USERNAME, record, 1));
                    personal.addAll(matches(PERSONAL_FIELD, record, 2));
                }));
        read.forEach((topic, records) -> {
            int count = 0;
            int withData = 0;
            for (ConsumerRecord<byte[], byte[]> record : records) {
                boolean byName = keyedByName.contains(topic) && record.key() != null
                        && usernames.contains(new String(record.key(), StandardCharsets.UTF_8));
                if (byName || UserIds.in(record).contains(id)) {
                    count++;
                    if (byName || holdsPersonalData(topic, record, personal)) {
                        withData++;
                    }
                }
            }
            places.add(new Place(topic, count, withData));
        });
        return new Report(user, deletedAt, bound, places);
    }

    /** A state of the processor's, by what it is; any other record, by whether it holds one of the user's values. */
    private boolean holdsPersonalData(String topic, ConsumerRecord<byte[], byte[]> record, Set<String> personal) {
        if (record.value() == null) {
            return false;
        }
        if (topic.equals(userStateChangelog)) {
            return UserSyncTopology.userStateHoldsPersonalData(record.value());
        }
        String value = UserIds.latin1(record.value());
        return personal.stream().anyMatch(value::contains);
    }

    private static Set<String> matches(Pattern pattern, ConsumerRecord<byte[], byte[]> record, int group) {
        Set<String> found = new HashSet<>();
        if (record.value() != null) {
            Matcher matcher = pattern.matcher(UserIds.latin1(record.value()));
            while (matcher.find()) {
                found.add(matcher.group(group));
            }
        }
        return found;
    }

    private static int rows(Connection connection, String table, UUID user) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select count(*) from " + table + " where id = ?")) {
            select.setObject(1, user);
            try (ResultSet result = select.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }

    private static Optional<Instant> deletedAt(Connection connection, UUID user) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select deleted_at from usersync.sink_deletes where user_id = ?")) {
            select.setObject(1, user);
            try (ResultSet result = select.executeQuery()) {
                if (!result.next()) {
                    return Optional.empty();
                }
                Timestamp at = result.getTimestamp(1);
                return Optional.of(at.toInstant());
            }
        }
    }
}
