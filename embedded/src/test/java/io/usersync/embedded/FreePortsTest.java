package io.usersync.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void shouldNeverGiveAPortTwiceWhenTheSystemOffersItAgain() {
        // Ports below the system's ephemeral range, which no other test is given.
        Iterator<Integer> offered = List.of(41, 41, 43, 41, 43, 47).iterator();

        assertThat(List.of(FreePorts.next(offered::next), FreePorts.next(offered::next), FreePorts.next(offered::next)))
                .containsExactly(41, 43, 47);
    }

    @Test
    void shouldGivePortsNothingListensOn() {
        assertThat(FreePorts.next()).isBetween(1024, 65535).isNotEqualTo(FreePorts.next());
    }
}
