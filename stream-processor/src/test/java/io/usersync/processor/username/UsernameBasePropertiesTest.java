package io.usersync.processor.username;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class UsernameBasePropertiesTest {

    @Property(tries = 2000)
    void shouldAlwaysMatchTheUsernameAlphabetAndLength(@ForAll String localPart, @ForAll String domain,
            @ForAll String fullName) {
        String base = UsernameBase.of(localPart + "@" + domain, fullName);

        assertThat(base).matches("^[a-z0-9_]{3,24}$");
    }

    @Property(tries = 2000)
    void shouldGiveTheSameBaseForTheSameInput(@ForAll String email, @ForAll String fullName) {
        assertThat(UsernameBase.of(email, fullName)).isEqualTo(UsernameBase.of(new String(email), new String(fullName)));
    }

    @Property(tries = 1000)
    void shouldGiveCandidatesThatMatchTheDatabaseConstraint(@ForAll String email, @ForAll("candidateNumbers") int n) {
        String candidate = UsernameBase.candidate(UsernameBase.of(email, null), n);

        assertThat(candidate).matches("^[a-z0-9_]{3,32}$");
        assertThat(UsernameBase.root(candidate)).isEqualTo(UsernameBase.root(UsernameBase.of(email, null)));
    }

    @Provide
    Arbitrary<Integer> candidateNumbers() {
        return Arbitraries.integers().between(1, 1_000_000);
    }
}
