package io.usersync.app.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToLongFunction;
import java.util.stream.LongStream;

/**
 * The latency of each stage for a phase's users: their commit and row times from the database, joined with
 * when the probe saw each one on the CDC and profiles topics.
 *
 * @param stages         latency per stage, keyed as in the report
 * @param firstRowMicros the first row written, epoch microseconds ({@code Long.MAX_VALUE} when none)
 * @param lastRowMicros  the last row written, epoch microseconds ({@code Long.MIN_VALUE} when none)
 */
record PhaseLatencies(Map<String, BenchReport.StageLatency> stages, long firstRowMicros, long lastRowMicros) {

    /**
     * Reads the users created in [from, to) that have their row.
     *
     * @param startMicros when given, latencies are from this moment (backfill: the users existed before)
     * @param cdc         when the probe first saw each user on the CDC topic, epoch microseconds
     * @param profiles    when the probe first saw each user's profile, epoch microseconds
     * @param due         when given, each user's due time in the driver's schedule
     */
    static PhaseLatencies read(Connection db, Timestamp from, Timestamp to, Long startMicros, Arrivals.First cdc,
            Arrivals.First profiles, ToLongFunction<UUID> due) throws SQLException {
        LongStream.Builder commitToCdc = LongStream.builder();
        LongStream.Builder cdcToProfile = LongStream.builder();
        LongStream.Builder profileToRow = LongStream.builder();
        LongStream.Builder dueToRow = LongStream.builder();
        LongStream.Builder commitToRow = LongStream.builder();
        long firstRow = Long.MAX_VALUE;
        long lastRow = Long.MIN_VALUE;
        try (PreparedStatement query = db.prepareStatement("select a.id,"
                + " floor(extract(epoch from a.created_at) * 1000000)::bigint,"
                + " floor(extract(epoch from p.synced_at) * 1000000)::bigint"
                + " from auth.users a join public.users p on p.id = a.id where a.created_at >= ? and a.created_at < ?")) {
            query.setTimestamp(1, from);
            query.setTimestamp(2, to);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    long reference = startMicros != null ? startMicros : rs.getLong(2);
                    long row = rs.getLong(3);
                    firstRow = Math.min(firstRow, row);
                    lastRow = Math.max(lastRow, row);
                    long cdcAt = cdc.at(id);
                    long profileAt = profiles.at(id);
                    // Backfill: every stage from the pipeline's start; otherwise each stage from the one before.
                    if (cdcAt != Arrivals.NEVER) {
                        commitToCdc.add(cdcAt - reference);
                    }
                    if (profileAt != Arrivals.NEVER) {
                        if (startMicros != null) {
                            cdcToProfile.add(profileAt - reference);
                        } else {
                            if (cdcAt != Arrivals.NEVER) {
                                cdcToProfile.add(profileAt - cdcAt);
                            }
                            profileToRow.add(row - profileAt);
                        }
                    }
                    if (due != null) {
                        long dueAt = due.applyAsLong(id);
                        if (dueAt != Long.MIN_VALUE) {
                            dueToRow.add(row - dueAt);
                        }
                    }
                    commitToRow.add(row - reference);
                }
            }
        }
        Map<String, BenchReport.StageLatency> latency = new LinkedHashMap<>();
        if (startMicros != null) {
            latency.put("start_to_cdc", stage("pipeline start → CDC record", commitToCdc));
            latency.put("start_to_profile", stage("pipeline start → profile visible", cdcToProfile));
            latency.put(BenchRun.START_TO_ROW, stage("pipeline start → row written", commitToRow));
        } else {
            latency.put("commit_to_cdc", stage("commit → CDC record", commitToCdc));
            latency.put("cdc_to_profile", stage("CDC record → profile visible", cdcToProfile));
            latency.put("profile_to_row", stage("profile visible → row written", profileToRow));
            if (due != null) {
                latency.put("due_to_row", stage("due (driver schedule) → row written", dueToRow));
            }
            latency.put(BenchRun.COMMIT_TO_ROW, stage("commit → row written (end to end)", commitToRow));
        }
        return new PhaseLatencies(latency, firstRow, lastRow);
    }

    private static BenchReport.StageLatency stage(String label, LongStream.Builder micros) {
        return new BenchReport.StageLatency(label, Distribution.ofMicros(micros.build().toArray()));
    }
}
