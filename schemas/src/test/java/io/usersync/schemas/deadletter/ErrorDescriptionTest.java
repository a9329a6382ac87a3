package io.usersync.schemas.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class ErrorDescriptionTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void shouldDescribeAnUnrecognizedTokenByItsPlaceWithoutQuotingIt() {
        Throwable error = catchThrowable(() -> MAPPER.readTree("{\"email\": alice@example.com}"));

        assertThat(error).hasMessageContaining("alice");
        assertThat(ErrorDescription.of(error)).isEqualTo("JsonParseException (line 1, column 16)");
    }

    @Test
    void shouldDescribeAValueOfTheWrongTypeByItsPathWithoutQuotingIt() {
        Throwable error = catchThrowable(() -> MAPPER.readValue("{\"flag\": \"alice@example.com\"}", Flag.class));

        assertThat(error).hasMessageContaining("alice");
        assertThat(ErrorDescription.of(error)).startsWith("InvalidFormatException at flag (line 1").doesNotContain("alice");
    }

    @Test
    void shouldDescribeAnyOtherErrorByItsTypeAlone() {
        assertThat(ErrorDescription.of(new IllegalArgumentException("alice@example.com"))).isEqualTo("IllegalArgumentException");
    }

    record Flag(boolean flag) {
    }
}
