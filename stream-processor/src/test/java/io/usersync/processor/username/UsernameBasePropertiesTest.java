package io.usersync.processor.username;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class UsernameBasePropertiesTest {

    /** Letters, digits, accents, every separator and some punctuation: what local parts and names are made of. */
    private static final String NAME_CHARACTERS = "abcxyzABCXYZ0189éüßøŁ.-_ \t\u00a0'!&*+@";
    private static final String SEPARATORS = ".-_ \t";

    @Property(tries = 2000)
    void shouldAlwaysMatchTheUsernameAlphabetAndLength(@ForAll String localPart, @ForAll String domain,
            @ForAll String fullName) {
        String base = UsernameBase.of(localPart + "@" + domain, fullName);

        assertThat(base).matches("^[a-z0-9_]{3,24}$");
    }

    @Property(tries = 2000)
    void shouldAlwaysMatchTheUsernameAlphabetAndLengthForNameLikeText(@ForAll("nameLike") String localPart,
            @ForAll("nameLike") String fullName) {
        String base = UsernameBase.of(localPart + "@example.com", fullName);

        assertThat(base).matches("^[a-z0-9_]{3,24}$");
    }

    @Property(tries = 2000)
    void shouldNeverGiveTwoUnderscoresInARow(@ForAll("nameLike") String localPart, @ForAll("nameLike") String fullName) {
        assertThat(UsernameBase.of(localPart + "@example.com", fullName)).doesNotContain("__");
    }

    @Property(tries = 2000)
    void shouldNeverStartOrEndWithAnUnderscore(@ForAll("nameLike") String localPart, @ForAll("nameLike") String fullName) {
        String base = UsernameBase.of(localPart + "@example.com", fullName);

        assertThat(base).doesNotStartWith("_").doesNotEndWith("_");
    }

    @Property(tries = 2000)
    void shouldJoinTheWordsBetweenSeparatorsWithOneUnderscore(@ForAll("separatedWords") SeparatedWords local) {
        String expected = String.join("_", local.words());
        Assume.that(expected.length() >= UsernameBase.MIN_LENGTH && expected.length() <= UsernameBase.MAX_LENGTH);

        assertThat(UsernameBase.of(local.text() + "@example.com", null)).isEqualTo(expected);
    }

    @Property(tries = 2000)
    void shouldGiveItsOwnOutputBackUnchanged(@ForAll("nameLike") String localPart, @ForAll("nameLike") String fullName) {
        String base = UsernameBase.of(localPart + "@example.com", fullName);

        assertThat(UsernameBase.of(base + "@example.com", null)).isEqualTo(base);
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

    @Provide
    Arbitrary<String> nameLike() {
        return Arbitraries.strings().withChars(NAME_CHARACTERS).ofMaxLength(40);
    }

    /** Lower-case words joined by runs of separators, with separators before and after too, at times. */
    @Provide
    Arbitrary<SeparatedWords> separatedWords() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(6);
        Arbitrary<String> separatorRun = Arbitraries.strings().withChars(SEPARATORS).ofMinLength(1).ofMaxLength(3);
        Arbitrary<String> edge = Arbitraries.strings().withChars(SEPARATORS).ofMaxLength(2);
        return Combinators.combine(word.list().ofMinSize(1).ofMaxSize(4), separatorRun.list().ofSize(3), edge, edge)
                .as((words, separators, leading, trailing) -> {
                    StringBuilder text = new StringBuilder(leading);
                    for (int i = 0; i < words.size(); i++) {
                        text.append(i == 0 ? "" : separators.get(i - 1)).append(words.get(i));
                    }
                    return new SeparatedWords(words, text.append(trailing).toString());
                });
    }

    record SeparatedWords(List<String> words, String text) {
    }
}
