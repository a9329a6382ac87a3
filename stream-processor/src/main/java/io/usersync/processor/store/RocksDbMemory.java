package io.usersync.processor.store;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * One off-heap budget for every RocksDB store of the process. By default each store gets its own 50 MB
 * block cache and up to three 16 MB memtables, so memory grows with the number of stores and tasks; here
 * every store shares one block cache, which also holds their memtables, indexes and filters, so the
 * process stays within a fixed size however many users or tasks it has.
 */
public final class RocksDbMemory implements AutoCloseable {

    /** Key of the shared budget in the Streams configuration, where {@link Setter} finds it. */
    public static final String CONFIG = "usersync.rocksdb.memory";

    private final Cache cache;
    private final WriteBufferManager writeBuffers;

    /** @param bytes the whole budget; half of it may be memtables */
    public RocksDbMemory(long bytes) {
        // Streams loads the native library when it opens the first store, which is after this.
        RocksDB.loadLibrary();
        this.cache = new LRUCache(bytes, -1, false, 0.1);
        this.writeBuffers = new WriteBufferManager(bytes / 2, cache);
    }

    /** Closed after the stores that use it. */
    @Override
    public void close() {
        writeBuffers.close();
        cache.close();
    }

    /** Points every store at the shared budget; Kafka Streams creates one per store by class name. */
    public static final class Setter implements RocksDBConfigSetter {

        @Override
        public void setConfig(String storeName, Options options, Map<String, Object> configs) {
            RocksDbMemory memory = (RocksDbMemory) configs.get(CONFIG);
            BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
            table.setBlockCache(memory.cache);
            table.setCacheIndexAndFilterBlocks(true);
            table.setCacheIndexAndFilterBlocksWithHighPriority(true);
            table.setPinTopLevelIndexAndFilter(true);
            options.setWriteBufferManager(memory.writeBuffers);
            options.setTableFormatConfig(table);
        }

        @Override
        public void close(String storeName, Options options) {
            // The cache and the write buffer manager are shared: the stage closes them.
        }
    }
}
