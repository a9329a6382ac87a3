package io.usersync.processor.username;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UsernameBaseTest {

    @Test
    void shouldDropThePlusTag() {
        assertThat(UsernameBase.of("alice+newsletter@example.com", null)).isEqualTo("alice");
    }

    @Test
    void shouldLowerTheCase() {
        assertThat(UsernameBase.of("Alice@example.com", null)).isEqualTo("alice");
    }

    @Test
    void shouldTurnADotIntoAnUnderscore() {
        assertThat(UsernameBase.of("plain.jane@example.com", null)).isEqualTo("plain_jane");
    }

    @Test
    void shouldTurnHyphensAndDotsIntoUnderscores() {
        assertThat(UsernameBase.of("Jean-Luc.Picard+work@example.com", null)).isEqualTo("jean_luc_picard");
    }

    @Test
    void shouldTurnWhitespaceIntoAnUnderscore() {
        assertThat(UsernameBase.of("ada\tlove\u00a0lace@example.com", null)).isEqualTo("ada_love_lace");
    }

    @Test
    void shouldDropPunctuationThatIsNotASeparator() {
        assertThat(UsernameBase.of("o'brien!@example.com", null)).isEqualTo("obrien");
        assertThat(UsernameBase.of(null, "Zoë O'Brien")).isEqualTo("zoe_obrien");
    }

    @Test
    void shouldFoldAccents() {
        assertThat(UsernameBase.of("josé.müller@example.com", null)).isEqualTo("jose_muller");
        assertThat(UsernameBase.of("straße@example.com", null)).isEqualTo("strasse");
    }

    @Test
    void shouldCollapseRunsOfSeparatorsIntoOneUnderscore() {
        assertThat(UsernameBase.of("--john-._ smith__@example.com", null)).isEqualTo("john_smith");
    }

    @Test
    void shouldNotLetADroppedCharacterLeaveTwoUnderscores() {
        assertThat(UsernameBase.of("john.'.smith@example.com", null)).isEqualTo("john_smith");
    }

    @Test
    void shouldNotEndInAnUnderscoreWhenCutTo24Characters() {
        assertThat(UsernameBase.of("a".repeat(23) + ".b@example.com", null)).isEqualTo("a".repeat(23));
    }

    @Test
    void shouldFallBackToTheFullNameWhenTheLocalPartIsOnlyPunctuation() {
        assertThat(UsernameBase.of("!!!@example.com", "Ada Lovelace")).isEqualTo("ada_lovelace");
    }

    @Test
    void shouldFallBackToUserWhenNothingIsUsable() {
        assertThat(UsernameBase.of(null, "\u5f20\u4f1f")).isEqualTo("user");
        assertThat(UsernameBase.of("ab@example.com", null)).isEqualTo("user");
    }

    @Test
    void shouldCutTo24Characters() {
        assertThat(UsernameBase.of("a".repeat(40) + "@example.com", null)).isEqualTo("a".repeat(24));
    }

    @Test
    void shouldNeverLetAReservedWordStandAlone() {
        assertThat(UsernameBase.candidate("admin", 1)).isEqualTo("admin2");
        assertThat(UsernameBase.candidate("admin", 2)).isEqualTo("admin2");
        assertThat(UsernameBase.candidate("admin", 3)).isEqualTo("admin3");
        assertThat(UsernameBase.candidate("alice", 1)).isEqualTo("alice");
    }

    @Test
    void shouldGiveEveryCandidateOfABaseTheSameRoot() {
        assertThat(UsernameBase.root("alice")).isEqualTo("alice");
        assertThat(UsernameBase.root(UsernameBase.candidate("alice", 12))).isEqualTo("alice");
        assertThat(UsernameBase.root(UsernameBase.candidate("alice1", 2))).isEqualTo("alice");
    }
}
