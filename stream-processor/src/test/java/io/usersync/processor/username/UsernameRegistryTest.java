package io.usersync.processor.username;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class UsernameRegistryTest {

    private final AtomicInteger reads = new AtomicInteger();
    private final KeyValueStore<String, String> owners = countingReads(InMemoryStores.strings("usernames"));
    private final UsernameRegistry registry = new UsernameRegistry(owners, countingReads(InMemoryStores.hints()),
            countingReads(InMemoryStores.holdings()), false);
    private int users;

    @Test
    void shouldReadAsManyStoreEntriesForThe10000thClaimOnUserAsForThe100th() {
        claimUserUntil(99);
        int readsOf100th = readsOfNextClaim();
        claimUserUntil(9_999);
        int readsOf10000th = readsOfNextClaim();

        assertThat(readsOf10000th).isEqualTo(readsOf100th).isLessThanOrEqualTo(3);
    }

    @Test
    void shouldScanAStoreWithoutHintsOnceThenStartAtTheHint() {
        for (int n = 1; n <= 500; n++) {
            owners.put(UsernameBase.candidate("user", n), "holder" + n);
        }
        assertThat(claim("first")).isEqualTo("user501");

        assertThat(readsOfNextClaim()).isLessThanOrEqualTo(3);
    }

    @Test
    void shouldGiveAReleasedUser5ToTheNextClaim() {
        claimUserUntil(10);

        assertThat(registry.release("u5", "user5")).isTrue();

        assertThat(claim("next")).isEqualTo("user5");
        assertThat(claim("after")).isEqualTo("user11");
    }

    @Test
    void shouldSkipAReservedNameBetweenTheHintAndTheNextFree() {
        claimUserUntil(3);
        registry.reserve("legacy", "user4");

        assertThat(claim("next")).isEqualTo("user5");
    }

    @Test
    void shouldGiveAReleasedAlice72ToTheNextClaimOnAlice7() {
        for (int n = 1; n <= 80; n++) {
            registry.claim("a" + n, "alice", null);
        }
        assertThat(claim("first-alice7", "alice7")).isEqualTo("alice710");

        registry.release("a72", "alice72");

        assertThat(claim("second-alice7", "alice7")).isEqualTo("alice72");
    }

    @Test
    void shouldGiveAReleasedAlice72ToTheNextClaimOnAlice() {
        for (int n = 1; n <= 80; n++) {
            registry.claim("a" + n, "alice", null);
        }

        registry.release("a72", "alice72");

        assertThat(claim("next", "alice")).isEqualTo("alice72");
    }

    @Test
    void shouldGiveAReleasedAdmin2ToTheNextClaimOnAdmin() {
        for (int n = 1; n <= 5; n++) {
            registry.claim("a" + n, "admin", null);
        }

        registry.release("a1", "admin2");

        assertThat(claim("next", "admin")).isEqualTo("admin2");
    }

    @Test
    void shouldGiveAClaimantBackTheCandidateTheyHoldBelowTheHint() {
        registry.reserve("erin", "user2");
        claimUserUntil(3);

        assertThat(claim("erin")).isEqualTo("user2");
    }

    @Test
    void shouldNotGiveAReleasedNameAgainWhenReleasedNamesAreKept() {
        UsernameRegistry keeping = InMemoryStores.registry(InMemoryStores.strings("usernames"), true);
        keeping.claim("first", "user", null);
        keeping.claim("second", "user", null);

        assertThat(keeping.release("first", "user")).isFalse();

        assertThat(keeping.claim("third", "user", null)).isEqualTo(new ClaimResult.Assigned("user3", true));
    }

    @Test
    void shouldAskToClaimUnderTheBaseRootWhenThePreferredNameIsHeldAndItsRootIsAnother() {
        registry.reserve("owner", "bob7");

        assertThat(registry.claim("other", "carol", "bob7")).isEqualTo(new ClaimResult.RetryUnderRoot("carol"));
    }

    /** Claims base user for new users until user{@code n} is given (counting the users who claimed). */
    private void claimUserUntil(int n) {
        while (users < n) {
            users++;
            registry.claim("u" + users, "user", null);
        }
    }

    private int readsOfNextClaim() {
        users++;
        int before = reads.get();
        registry.claim("u" + users, "user", null);
        return reads.get() - before;
    }

    private String claim(String userId) {
        return claim(userId, "user");
    }

    private String claim(String userId, String base) {
        return ((ClaimResult.Assigned) registry.claim(userId, base, null)).username();
    }

    @SuppressWarnings("unchecked")
    private <V> KeyValueStore<String, V> countingReads(KeyValueStore<String, V> store) {
        return (KeyValueStore<String, V>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("get")) {
                        reads.incrementAndGet();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
