package io.usersync.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * How many bytes of WAL the replication slot holds back: the distance from the server's current WAL
 * position to what capture confirmed. Growing without bound means capture is down or too slow.
 */
public final class ReplicationSlotLag implements MeterBinder {

    public static final String METER_NAME = "usersync.capture.slot.lag";

    private static final Logger log = LoggerFactory.getLogger(ReplicationSlotLag.class);

    private final DataSource database;
    private final String slotName;

    public ReplicationSlotLag(DataSource database, String slotName) {
        this.database = database;
        this.slotName = slotName;
    }

    /** The lag in bytes, or -1 when the slot does not exist. */
    public long bytes() throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                                + " from pg_replication_slots where slot_name = ?")) {
            statement.setString(1, slotName);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        // Strong: Micrometer holds a gauge's object weakly, and nothing else keeps this binder, so the gauge read NaN
        // once the garbage collector had run.
        Gauge.builder(METER_NAME, this, ReplicationSlotLag::bytesOrNaN)
                .strongReference(true)
                .baseUnit("bytes")
                .tag("slot", slotName)
                .description("WAL retained by the replication slot that capture has not confirmed")
                .register(registry);
    }

    private double bytesOrNaN() {
        try {
            long bytes = bytes();
            return bytes < 0 ? Double.NaN : bytes;
        } catch (SQLException e) {
            log.warn("Cannot read the lag of replication slot {}: {}", slotName, e.getMessage());
            return Double.NaN;
        }
    }
}
