package io.usersync.processor.username;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.streams.state.KeyValueStore;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The hinted registry against a reference that scans from 1 for every claim, on random sequences of claims,
 * releases, reservations and preferred-name claims over bases that share roots and trailing-digit splits.
 */
class UsernameRegistryPropertiesTest {

    /** alice72 is candidate 72 of alice, 2 of alice7 and 1 of alice72; admin is reserved; user is everyone's. */
    private static final List<String> BASES = List.of("user", "alice", "alice7", "alice72", "admin", "bob1");

    sealed interface Op {
    }

    record Claim(String userId, String base, String preferred) implements Op {
    }

    record Release(String userId, String username) implements Op {
    }

    /** Releases the i-th username held, by its holder: most random (user, name) pairs hold nothing. */
    record ReleaseHeld(int index) implements Op {
    }

    record Reserve(String userId, String username) implements Op {
    }

    @Property(tries = 400)
    void shouldGiveEveryClaimTheUsernameTheScanFromOneGives(@ForAll("operations") List<Op> ops) {
        run(ops, false, (registry, reference, hints) -> { });
    }

    @Property(tries = 400)
    void shouldGiveEveryClaimTheUsernameTheScanFromOneGivesWhenReleasedUsernamesAreKept(
            @ForAll("operations") List<Op> ops) {
        run(ops, true, (registry, reference, hints) -> { });
    }

    @Property(tries = 400)
    void shouldKeepEveryCandidateBelowTheHintHeld(@ForAll("operations") List<Op> ops) {
        run(ops, false, UsernameRegistryPropertiesTest::assertEveryCandidateBelowTheHintHeld);
    }

    @Property(tries = 400)
    void shouldKeepEveryCandidateBelowTheHintHeldWhenReleasedUsernamesAreKept(@ForAll("operations") List<Op> ops) {
        run(ops, true, UsernameRegistryPropertiesTest::assertEveryCandidateBelowTheHintHeld);
    }

    private interface Check {
        void after(UsernameRegistry registry, ScanFromOne reference, KeyValueStore<String, Integer> hints);
    }

    private static void run(List<Op> ops, boolean keepReleased, Check check) {
        KeyValueStore<String, String> owners = InMemoryStores.strings("usernames");
        KeyValueStore<String, Integer> hints = InMemoryStores.hints();
        UsernameRegistry registry = new UsernameRegistry(owners, hints, InMemoryStores.holdings(), keepReleased);
        ScanFromOne reference = new ScanFromOne(keepReleased);
        for (Op op : ops) {
            if (op instanceof ReleaseHeld held) {
                if (reference.owners.isEmpty()) {
                    continue;
                }
                Map.Entry<String, String> entry = new ArrayList<>(new TreeMap<>(reference.owners).entrySet())
                        .get(held.index() % reference.owners.size());
                op = new Release(entry.getValue(), entry.getKey());
            }
            if (op instanceof Claim claim) {
                assertThat(registry.claim(claim.userId(), claim.base(), claim.preferred())).as("%s", claim)
                        .isEqualTo(reference.claim(claim.userId(), claim.base(), claim.preferred()));
            } else if (op instanceof Release release) {
                assertThat(registry.release(release.userId(), release.username())).as("%s", release)
                        .isEqualTo(reference.release(release.userId(), release.username()));
            } else if (op instanceof Reserve reserve) {
                assertThat(registry.reserve(reserve.userId(), reserve.username())).as("%s", reserve)
                        .isEqualTo(reference.reserve(reserve.userId(), reserve.username()));
            }
            assertThat(contents(owners)).as("holders after %s", op).isEqualTo(reference.owners);
            check.after(registry, reference, hints);
        }
    }

    private static void assertEveryCandidateBelowTheHintHeld(UsernameRegistry registry, ScanFromOne reference,
            KeyValueStore<String, Integer> hints) {
        for (String base : BASES) {
            Integer hint = hints.get(base);
            for (int n = 1; hint != null && n < hint; n++) {
                assertThat(reference.owners).as("candidate %d of %s below hint %d", n, base, hint)
                        .containsKey(UsernameBase.candidate(base, n));
            }
        }
    }

    private static Map<String, String> contents(KeyValueStore<String, String> store) {
        Map<String, String> contents = new HashMap<>();
        try (var all = store.all()) {
            all.forEachRemaining(entry -> contents.put(entry.key, entry.value));
        }
        return contents;
    }

    /** The rule, stated plainly: every claim scans from candidate 1. */
    private static final class ScanFromOne {

        final Map<String, String> owners = new HashMap<>();
        private final boolean keepReleased;

        ScanFromOne(boolean keepReleased) {
            this.keepReleased = keepReleased;
        }

        ClaimResult claim(String userId, String base, String preferred) {
            if (preferred != null) {
                String owner = owners.get(preferred);
                if (owner == null || owner.equals(userId)) {
                    owners.put(preferred, userId);
                    return new ClaimResult.Assigned(preferred, false);
                }
                if (!root(base).equals(root(preferred))) {
                    return new ClaimResult.RetryUnderRoot(root(base));
                }
            }
            for (int n = 1; ; n++) {
                String candidate = n == 1 && !UsernameBase.RESERVED.contains(base) ? base : base + Math.max(n, 2);
                String owner = owners.get(candidate);
                if (owner == null || owner.equals(userId)) {
                    owners.put(candidate, userId);
                    return new ClaimResult.Assigned(candidate, n > 1 && owner == null);
                }
            }
        }

        boolean release(String userId, String username) {
            if (keepReleased) {
                owners.replace(username, userId, UsernameRegistry.NOBODY);
                return false;
            }
            return owners.remove(username, userId);
        }

        ReserveResult reserve(String userId, String username) {
            String owner = owners.putIfAbsent(username, userId);
            if (owner == null) {
                return new ReserveResult.Taken(username);
            }
            return owner.equals(userId) ? new ReserveResult.AlreadyHeld() : new ReserveResult.Conflict(owner);
        }

        private static String root(String username) {
            return username.replaceAll("[0-9]+$", "");
        }
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        // Few enough users that claimants often hold a name already; sequences long enough for hints past 10.
        Arbitrary<String> users = Arbitraries.integers().between(0, 19).map(i -> "u" + i);
        Arbitrary<String> bases = Arbitraries.frequency(
                Tuple.of(4, "user"), Tuple.of(3, "alice"), Tuple.of(2, "alice7"), Tuple.of(1, "alice72"),
                Tuple.of(1, "admin"), Tuple.of(1, "bob1"));
        Arbitrary<String> names = Arbitraries.oneOf(
                Combinators.combine(bases, Arbitraries.integers().between(1, 24)).as(UsernameBase::candidate),
                Arbitraries.of("alice07", "alice0", "admin", "admin1", "user0", "bob", "bob12", "alice710"));
        Arbitrary<Op> claims = Combinators.combine(users, bases).as((user, base) -> new Claim(user, base, null));
        Arbitrary<Op> preferredClaims = Combinators.combine(users, bases, names).as(Claim::new);
        Arbitrary<Op> releases = Combinators.combine(users, names).as(Release::new);
        Arbitrary<Op> heldReleases = Arbitraries.integers().between(0, 1000).map(ReleaseHeld::new);
        Arbitrary<Op> reserves = Combinators.combine(users, names).as(Reserve::new);
        return Arbitraries.frequencyOf(
                        Tuple.of(8, claims),
                        Tuple.of(2, preferredClaims),
                        Tuple.of(1, releases),
                        Tuple.of(3, heldReleases),
                        Tuple.of(2, reserves))
                .list().ofMinSize(1).ofMaxSize(160);
    }
}
