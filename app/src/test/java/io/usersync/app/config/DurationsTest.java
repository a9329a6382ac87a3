package io.usersync.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"500ms,PT0.5S", "60s,PT1M", "5m,PT5M", "2h,PT2H", "PT1M30S,PT1M30S", " 10S ,PT10S"})
    void shouldReadTheFormsPeopleType(String text, String expected) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "ten seconds", "5d", "5", "P1D", "9223372036854775807h", "9223372036854775807m",
            "99999999999999999999s", "PT9999999999999999999H"})
    void shouldRefuseAnythingElseNamingTheForms(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("500ms, 60s, 5m, 2h or PT1M");
    }
}
