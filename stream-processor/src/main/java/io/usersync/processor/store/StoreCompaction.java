package io.usersync.processor.store;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.MutableDBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a value the processor replaced or deleted leave its RocksDB files within the erasure bound. Kafka Streams
 * writes a store's memtable to its files only when RocksDB's write buffers fill or the store closes, and RocksDB drops
 * a superseded value only when a compaction merges it with its successor: a deleted user's former state could stay in
 * the files of a quiet store for good. Every {@code every}, each open store made here is flushed and compacted whole,
 * on a thread of its own; the stream threads go on meanwhile, and a store's close waits for its compaction. Its MANIFEST
 * is rolled at each change, so that it names no key of a file gone.
 *
 * <p>Kafka Streams has no API for any of it, so this reaches the store's {@link RocksDB} through the {@code db} field of
 * its RocksDB store ({@code StoreCompactionTest} checks it on the Kafka Streams of the build). Should a later Kafka
 * Streams not have it, the stores work as before and a warning says that they are not compacted.
 */
public final class StoreCompaction implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreCompaction.class);

    private final Set<CompactedStore> stores = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
            runnable -> new Thread(runnable, "usersync-processor-store-compaction"));
    /** The databases whose MANIFEST is rolled at each change already; a store opened again has a new one. */
    private final Set<RocksDB> manifestsRolled = Collections.newSetFromMap(new WeakHashMap<>());
    private volatile boolean unreachable;

    public StoreCompaction(Duration every) {
        schedule.scheduleWithFixedDelay(this::compactAll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A persistent key-value store, as {@link Stores#persistentKeyValueStore(String)} makes it, flushed and compacted here. */
    public KeyValueBytesStoreSupplier persistentKeyValueStore(String name) {
        KeyValueBytesStoreSupplier rocksDb = Stores.persistentKeyValueStore(name);
        return new KeyValueBytesStoreSupplier() {

            @Override
            public String name() {
                return rocksDb.name();
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new CompactedStore(rocksDb.get(), stores);
            }

            @Override
            public String metricsScope() {
                return rocksDb.metricsScope();
            }
        };
    }

    /** Flushes and compacts every open store now; what the schedule runs. */
    synchronized void compactAll() {
        for (CompactedStore store : stores) {
            store.compact(this::compact);
        }
    }

    private void compact(KeyValueStore<Bytes, byte[]> rocksDbStore) {
        if (unreachable) {
            return;
        }
        try {
            RocksDB db = database(rocksDbStore);
            if (db == null) {
                return;
            }
            if (manifestsRolled.add(db)) {
                rollManifestAtEachChange(db);
            }
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true);
                    CompactRangeOptions rewrite = new CompactRangeOptions()
                            .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForce)) {
                db.flush(flush);
                db.compactRange();
                // A new MANIFEST starts with the files of the moment before the change that made it: the compaction's
                // own still names the files it removed. Rewriting the one file left makes another.
                db.compactRange(db.getDefaultColumnFamily(), null, null, rewrite);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            unreachable = true;
            log.warn("Cannot reach the RocksDB of store {} ({}): the processor's stores are not compacted, and a deleted"
                    + " user's former state may stay in their files longer than USERSYNC_ERASURE_BOUND",
                    rocksDbStore.name(), e.toString());
        } catch (RocksDBException e) {
            // Tried again at the next round: a store being compacted by RocksDB itself may refuse for a moment.
            log.warn("Compaction of store {} failed: {}", rocksDbStore.name(), e.getStatus() == null ? e.getMessage()
                    : e.getStatus().getCodeString());
        }
    }

    /**
     * The MANIFEST logs the first and last key of every file the store has had, and a key of the usernames and hints
     * stores is a username. RocksDB starts a new one, with the files of the moment only, once the current one is over
     * {@code max_manifest_file_size} and {@code max_manifest_space_amp_pct} percent larger than that was at its start
     * (500 by default): here, at each change. RocksJava names neither mutable option, so they are passed as its
     * {@code MutableDBOptions} passes those it names.
     */
    private static void rollManifestAtEachChange(RocksDB db) throws ReflectiveOperationException, RocksDBException {
        Constructor<MutableDBOptions> options = MutableDBOptions.class.getDeclaredConstructor(String[].class, String[].class);
        options.setAccessible(true);
        db.setDBOptions(options.newInstance(new String[] {"max_manifest_file_size", "max_manifest_space_amp_pct"},
                new String[] {"1", "0"}));
    }

    private static RocksDB database(KeyValueStore<Bytes, byte[]> rocksDbStore) throws ReflectiveOperationException {
        for (Class<?> type = rocksDbStore.getClass(); type != null; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (field.getName().equals("db") && RocksDB.class.isAssignableFrom(field.getType())) {
                    field.setAccessible(true);
                    return (RocksDB) field.get(rocksDbStore);
                }
            }
        }
        throw new NoSuchFieldException("db of " + rocksDbStore.getClass().getName());
    }

    /** Stops compacting; a compaction under way ends first. */
    @Override
    public void close() {
        schedule.shutdownNow();
        try {
            schedule.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
