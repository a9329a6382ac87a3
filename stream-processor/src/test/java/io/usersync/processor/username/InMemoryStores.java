package io.usersync.processor.username;

import java.util.List;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** Kafka's in-memory key-value stores, opened outside a topology for tests of code that works on stores. */
public final class InMemoryStores {

    private InMemoryStores() {
    }

    public static KeyValueStore<String, String> strings(String name) {
        return open(name, Serdes.String());
    }

    /** The three stores of a {@link UsernameRegistry}, named as in the topology. */
    public static UsernameRegistry registry(KeyValueStore<String, String> owners, boolean keepReleased) {
        return new UsernameRegistry(owners, hints(), holdings(), keepReleased);
    }

    public static KeyValueStore<String, Integer> hints() {
        return open("username-hints", Serdes.Integer());
    }

    public static KeyValueStore<String, List<String>> holdings() {
        return open("username-holdings", UsernameRegistry.holdingsSerde());
    }

    public static <V> KeyValueStore<String, V> open(String name, Serde<V> valueSerde) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(),
                valueSerde).withLoggingDisabled().withCachingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}
