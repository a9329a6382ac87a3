package io.usersync.processor.store;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A RocksDB store of Kafka Streams, every call passed on to it, that {@link StoreCompaction} finds while it is open;
 * its close waits for a compaction under way.
 */
final class CompactedStore implements KeyValueStore<Bytes, byte[]> {

    private final KeyValueStore<Bytes, byte[]> rocksDb;
    private final Set<CompactedStore> open;
    /** Held by a compaction and by the close, so that no compaction reaches a closed database. */
    private final Object compacting = new Object();

    CompactedStore(KeyValueStore<Bytes, byte[]> rocksDb, Set<CompactedStore> open) {
        this.rocksDb = rocksDb;
        this.open = open;
    }

    /** Runs the compaction on the RocksDB store if it is open. */
    void compact(Consumer<KeyValueStore<Bytes, byte[]>> compaction) {
        synchronized (compacting) {
            if (rocksDb.isOpen()) {
                compaction.accept(rocksDb);
            }
        }
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        rocksDb.init(context, root);
        open.add(this);
    }

    @Override
    public void close() {
        open.remove(this);
        synchronized (compacting) {
            rocksDb.close();
        }
    }

    @Override
    public String name() {
        return rocksDb.name();
    }

    @Override
    public void flush() {
        rocksDb.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        rocksDb.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return rocksDb.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return rocksDb.managesOffsets();
    }

    @Override
    public boolean persistent() {
        return rocksDb.persistent();
    }

    @Override
    public boolean isOpen() {
        return rocksDb.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return rocksDb.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return rocksDb.getPosition();
    }

    @Override
    public void put(Bytes key, byte[] value) {
        rocksDb.put(key, value);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        return rocksDb.putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        rocksDb.putAll(entries);
    }

    @Override
    public byte[] delete(Bytes key) {
        return rocksDb.delete(key);
    }

    @Override
    public byte[] get(Bytes key) {
        return rocksDb.get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return rocksDb.range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return rocksDb.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return rocksDb.all();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return rocksDb.reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        return rocksDb.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return rocksDb.approximateNumEntries();
    }
}
