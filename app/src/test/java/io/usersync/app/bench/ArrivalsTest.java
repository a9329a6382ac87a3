package io.usersync.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ArrivalsTest {

    @Property(tries = 200)
    void shouldGiveEachUsersEarliestArrival(@ForAll @Size(max = 300) List<@IntRange(max = 40) Integer> users,
            @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 1_000_000) Integer> times) {
        Arrivals arrivals = new Arrivals();
        Map<UUID, Long> earliest = new HashMap<>();
        for (int i = 0; i < Math.min(users.size(), times.size()); i++) {
            // Ids that share their first half, so the order of the second half matters too.
            UUID id = new UUID(users.get(i) % 3, users.get(i));
            long at = times.get(i);
            arrivals.add(id, at);
            earliest.merge(id, at, Math::min);
        }

        Arrivals.First first = arrivals.takeFirst();

        assertThat(first.count()).isEqualTo(earliest.size());
        for (int user = 0; user <= 40; user++) {
            UUID id = new UUID(user % 3, user);
            assertThat(first.at(id)).isEqualTo(earliest.getOrDefault(id, Arrivals.NEVER));
        }
    }

    @Test
    void shouldStartTheNextPhaseEmpty() {
        Arrivals arrivals = new Arrivals();
        UUID id = UUID.randomUUID();
        arrivals.add(id, 5);

        arrivals.takeFirst();

        assertThat(arrivals.count()).isZero();
        assertThat(arrivals.takeFirst().at(id)).isEqualTo(Arrivals.NEVER);
    }

    @Test
    void shouldKeepAMillionArrivalsInThreeLongsEach() {
        Arrivals arrivals = new Arrivals();
        for (long i = 0; i < 1_000_000; i++) {
            // Twice each, the later one first: only the earlier may remain.
            arrivals.add(new UUID(i * 7919, i), 2 * i + 1);
            arrivals.add(new UUID(i * 7919, i), 2 * i);
        }

        Arrivals.First first = arrivals.takeFirst();

        assertThat(first.count()).isEqualTo(1_000_000);
        assertThat(first.at(new UUID(0, 0))).isZero();
        assertThat(first.at(new UUID(999_999L * 7919, 999_999))).isEqualTo(1_999_998);
        assertThat(first.at(new UUID(1, 1))).isEqualTo(Arrivals.NEVER);
    }
}
