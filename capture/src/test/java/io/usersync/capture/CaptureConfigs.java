package io.usersync.capture;

import java.nio.file.Path;
import java.util.Map;

import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.kafka.KafkaClientSettings;

/** Capture configurations for tests that start nothing. */
public final class CaptureConfigs {

    public static final String SLOT = "usersync";
    public static final String CDC_TOPIC = "cdc";
    public static final String RESERVATIONS_TOPIC = "reservations";

    private CaptureConfigs() {
    }

    /** A configuration that captures public.users into {@link #RESERVATIONS_TOPIC}. */
    public static CaptureConfig withReservations() {
        return config(RESERVATIONS_TOPIC, 3);
    }

    /** A configuration that captures only auth.users. */
    public static CaptureConfig withoutReservations() {
        return config(null, 3);
    }

    public static CaptureConfig config(String reservationsTopic, int partitions) {
        return new CaptureConfig(new DatabaseSettings("jdbc:postgresql://db:5432/postgres", "postgres", "pw"),
                new KafkaClientSettings(Map.of("bootstrap.servers", "broker:9092")), CDC_TOPIC, reservationsTopic, partitions,
                SLOT, "usersync", new CaptureConfig.OffsetStore.File(Path.of("offsets.dat")),
                CaptureConfig.DEFAULT_POLL_INTERVAL, CaptureConfig.DEFAULT_MAX_BATCH_SIZE,
                CaptureConfig.DEFAULT_HEARTBEAT_INTERVAL, DebeziumSettings.NONE);
    }
}
