package io.usersync.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.schemas.ErasureBound;

/** What the processor has read of its username topics is deleted; what it has not read stays. */
class UsernameTopicsPurgeIT {

    private EmbeddedKafkaBroker kafka;
    private Admin admin;
    private ProcessorConfig config;
    private TopicPartition claims;
    private TopicPartition assignments;

    @BeforeEach
    void start() throws Exception {
        kafka = EmbeddedKafkaBroker.startTemporary();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        ProcessorConfig defaults = ProcessorConfig.defaults(kafka.bootstrapServers(), 1, Path.of("target", "unused"));
        config = new ProcessorConfig(defaults.applicationId(), defaults.kafka(), defaults.cdcTopic(),
                defaults.reservationsTopic(), defaults.profilesTopic(), defaults.eventsTopic(), defaults.deadLetterTopic(),
                1, false, defaults.stateDirectory(), defaults.commitInterval(), defaults.guarantee(), null,
                new ErasureBound(Duration.ofHours(1)));
        claims = new TopicPartition(config.claimsTopic(), 0);
        assignments = new TopicPartition(config.assignmentsTopic(), 0);
        admin.createTopics(List.of(new NewTopic(claims.topic(), 1, (short) 1),
                new NewTopic(assignments.topic(), 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(claims.topic(), "root", "claim " + i));
                producer.send(new ProducerRecord<>(assignments.topic(), "user", "assignment " + i));
            }
        }
    }

    @AfterEach
    void stop() {
        admin.close();
        kafka.close();
    }

    @Test
    void shouldDeleteWhatTheProcessorHasReadOfItsUsernameTopicsAndNothingElse() throws Exception {
        try (UsernameTopicsPurge purge = new UsernameTopicsPurge(config)) {
            purge.purge();
            assertThat(firstOffset(claims)).isZero();

            admin.alterConsumerGroupOffsets(config.applicationId(), Map.of(claims, new OffsetAndMetadata(6),
                    assignments, new OffsetAndMetadata(10))).all().get();
            purge.purge();

            assertThat(firstOffset(claims)).isEqualTo(6);
            assertThat(firstOffset(assignments)).isEqualTo(10);
        }
    }

    private long firstOffset(TopicPartition partition) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).partitionResult(partition).get().offset();
    }
}
