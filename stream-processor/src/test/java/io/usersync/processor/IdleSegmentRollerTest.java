package io.usersync.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.usersync.processor.IdleSegmentRoller.Stamp;

/** When a partition's last records call for a segment marker: they decide alone, whoever else appends markers. */
class IdleSegmentRollerTest {

    private static final long ROLL = 10_000;
    private static final long NOW = 1_000_000;

    @Test
    void shouldMarkAPartitionWhoseNewestRecordIsARollTimeOld() {
        assertThat(IdleSegmentRoller.needsMarker(List.of(data(NOW - 50_000), data(NOW - ROLL)), NOW, ROLL)).isTrue();
    }

    @Test
    void shouldLeaveAPartitionThatTookARecordWithinTheRollTimeToTheBroker() {
        assertThat(IdleSegmentRoller.needsMarker(List.of(data(NOW - 50_000), data(NOW - ROLL + 1)), NOW, ROLL)).isFalse();
    }

    @Test
    void shouldMarkItOnceMoreARollTimeAfterItsFirstMarker() {
        List<Stamp> tail = List.of(data(NOW - 3 * ROLL), marker(NOW - ROLL));
        assertThat(IdleSegmentRoller.needsMarker(tail, NOW, ROLL)).isTrue();
        assertThat(IdleSegmentRoller.needsMarker(tail, NOW - 1, ROLL)).as("before the first marker is a roll time old").isFalse();
    }

    @Test
    void shouldLeaveItAloneAfterTwoMarkersARollTimeApart() {
        assertThat(IdleSegmentRoller.needsMarker(List.of(data(NOW - 5 * ROLL), marker(NOW - 3 * ROLL), marker(NOW - ROLL)),
                NOW, ROLL)).isFalse();
    }

    @Test
    void shouldCountMarkersOfTwoProcessesAppendedAtOnceAsOneRoll() {
        assertThat(IdleSegmentRoller.needsMarker(List.of(data(NOW - 5 * ROLL), marker(NOW - 2 * ROLL),
                marker(NOW - 2 * ROLL + 5)), NOW, ROLL)).isTrue();
    }

    @Test
    void shouldMarkAPartitionAgainOnceItTakesARecordAfterItsMarkers() {
        assertThat(IdleSegmentRoller.needsMarker(List.of(data(NOW - 9 * ROLL), marker(NOW - 7 * ROLL), marker(NOW - 5 * ROLL),
                data(NOW - 2 * ROLL)), NOW, ROLL)).isTrue();
    }

    @Test
    void shouldLeaveAPartitionOfMarkersOnlyOrOfNothingAlone() {
        assertThat(IdleSegmentRoller.needsMarker(List.of(marker(NOW - 5 * ROLL), marker(NOW - 3 * ROLL)), NOW, ROLL)).isFalse();
        assertThat(IdleSegmentRoller.needsMarker(List.of(), NOW, ROLL)).isFalse();
    }

    private static Stamp data(long timestamp) {
        return new Stamp(timestamp, false);
    }

    private static Stamp marker(long timestamp) {
        return new Stamp(timestamp, true);
    }
}
