package io.usersync.processor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.usersync.schemas.testing.FilesHolding;

/**
 * A store made by {@link StoreCompaction}, in Kafka Streams' own RocksDB: a value written reaches the store's files at
 * the next round, and once it is replaced or deleted, leaves them at the round after. The files are read byte by byte.
 */
class StoreCompactionTest {

    private static final String STORE = "profiles";

    @TempDir
    Path stateDirectory;
    /** Compacted only when the test says: its own schedule is an hour. */
    private final StoreCompaction compaction = new StoreCompaction(Duration.ofHours(1));
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> input;

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(compaction.persistentKeyValueStore(STORE), Serdes.String(),
                Serdes.String()).withLoggingDisabled());
        builder.<String, String>stream("in").process(Writer::new, STORE);
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "store-compaction-test");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toString());
        properties.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        properties.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        driver = new TopologyTestDriver(builder.build(), properties);
        input = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
    }

    @AfterEach
    void stop() {
        compaction.close();
        driver.close();
    }

    /** The key too, as the usernames store's keys are usernames: RocksDB's MANIFEST names each file's first and last. */
    @Test
    void shouldWriteAKeyAndValueToTheStoresFilesAndLeaveNoneOfThemOnceTheKeyIsDeleted() throws IOException {
        input.pipeInput("adakeymark", "adamark@example.com");
        input.pipeInput("bo", "bomark@example.com");

        compaction.compactAll();
        assertThat(filesHolding("adakeymark")).as("files that hold the key once flushed").isNotEmpty();
        assertThat(filesHolding("adamark")).as("files that hold the value once flushed").isNotEmpty();

        input.pipeInput("adakeymark", (String) null);
        compaction.compactAll();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(filesHolding("adakeymark")).isEmpty();
            assertThat(filesHolding("adamark")).isEmpty();
        });
        assertThat(filesHolding("bomark")).as("a value kept").isNotEmpty();
        assertThat(driver.<String, String>getKeyValueStore(STORE).get("bo")).isEqualTo("bomark@example.com");
    }

    @Test
    void shouldLeaveNoneOfAReplacedValueInTheStoresFiles() throws IOException {
        input.pipeInput("ada", "adamark@example.com");
        compaction.compactAll();
        assertThat(filesHolding("adamark")).isNotEmpty();

        input.pipeInput("ada", "ada.lovelace@example.com");
        compaction.compactAll();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(filesHolding("adamark")).isEmpty());
        assertThat(filesHolding("ada.lovelace")).isNotEmpty();
    }

    private List<Path> filesHolding(String marker) throws IOException {
        return FilesHolding.under(stateDirectory, List.of(marker), file -> false);
    }

    /** Puts each record's value in the store, or deletes its key on a null value. */
    private static final class Writer implements Processor<String, String, Void, Void> {

        private KeyValueStore<String, String> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
        }
    }
}
