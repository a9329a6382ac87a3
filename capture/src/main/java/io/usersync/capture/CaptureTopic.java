package io.usersync.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

import io.usersync.schemas.TopicNames;

/**
 * The topics capture writes: compacted, so the latest change of every user stays for replays and fresh
 * deployments (and a deleted user's changes go within the erasure bound), and the dead-letter topic (deleted after
 * {@link TopicNames#DEAD_LETTERS_RETENTION}), where a change too big for Kafka is reported. Created by capture when
 * missing; the stream processor brings existing ones to the erasure bound.
 */
final class CaptureTopic {

    private CaptureTopic() {
    }

    static void ensureExists(CaptureConfig config) {
        List<String> names = names(config);
        try (Admin admin = Admin.create(config.kafka().clientProperties(Map.of()))) {
            // The stream processor, and a standby capture starting at the same moment, create some of the same topics: one
            // created between the listing and the creation is as good.
            List<NewTopic> missing = missing(config, admin.listTopics().names().get());
            for (KafkaFuture<Void> created : admin.createTopics(missing).values().values()) {
                try {
                    created.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + names + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + names, e);
        }
    }

    /** The CDC topic, the reservations topic when public.users is captured, and the dead-letter topic. */
    static List<String> names(CaptureConfig config) {
        List<String> names = new ArrayList<>(List.of(config.topic()));
        if (config.reservationsTopic() != null) {
            names.add(config.reservationsTopic());
        }
        names.add(config.deadLetterTopic());
        return names;
    }

    /** The topics to create, given those that exist: compacted under the erasure bound, with the configured partitions. */
    static List<NewTopic> missing(CaptureConfig config, Set<String> existing) {
        return names(config).stream()
                .filter(name -> !existing.contains(name))
                .map(name -> new NewTopic(name, config.topicPartitions(), (short) -1).configs(name.equals(config.deadLetterTopic())
                        ? config.erasureBound().purged(TopicNames.DEAD_LETTERS_RETENTION)
                        : config.erasureBound().compacted()))
                .toList();
    }
}
