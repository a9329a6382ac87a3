package io.usersync.app.reconcile;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.usersync.capture.CaptureConfig;
import io.usersync.capture.resync.ResyncSignal;
import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.schemas.profile.ProfileHeaders;

/**
 * Repairs what reconcile found, through the pipeline: missing and drifted users are re-read from
 * auth.users (a resync signal); rows of users that no longer exist get a tombstone on the profiles topic,
 * which the sink applies as for any deleted user.
 */
public final class DriftRepair {

    private static final int SIGNAL_CHUNK = 500;

    private final DataSource database;
    private final KafkaClientSettings kafka;
    private final String profilesTopic;

    public DriftRepair(DataSource database, KafkaClientSettings kafka, String profilesTopic) {
        this.database = database;
        this.kafka = kafka;
        this.profilesTopic = profilesTopic;
    }

    public void repair(DriftReport report) throws SQLException, InterruptedException, ExecutionException {
        List<UUID> reread = new ArrayList<>();
        report.missing().forEach(id -> reread.add(UUID.fromString(id)));
        report.drifted().forEach(id -> reread.add(UUID.fromString(id)));
        ResyncSignal signal = new ResyncSignal(database);
        for (int from = 0; from < reread.size(); from += SIGNAL_CHUNK) {
            signal.requestUsers(reread.subList(from, Math.min(reread.size(), from + SIGNAL_CHUNK)));
        }
        if (report.orphaned().isEmpty()) {
            return;
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientProperties(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "usersync-reconcile")), new StringSerializer(), new StringSerializer())) {
            for (String id : report.orphaned()) {
                // The user is gone from auth.users, so no later change of it can come: the delete wins over any
                // row, and says so, since the sink applies no tombstone without the LSN of its delete.
                ProducerRecord<String, String> tombstone = new ProducerRecord<>(profilesTopic, id, null);
                tombstone.headers().add(ProfileHeaders.SOURCE_LSN, Long.toString(Long.MAX_VALUE).getBytes(StandardCharsets.UTF_8));
                producer.send(tombstone).get();
            }
        }
    }
}
