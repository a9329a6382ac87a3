package io.usersync.schemas.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {

    @Test
    void shouldRefuseADatabaseWithoutUrl() {
        assertThatThrownBy(() -> new DatabaseSettings(null, "postgres", "pw"))
                .isInstanceOf(NullPointerException.class).hasMessage("jdbcUrl");
    }

    @Test
    void shouldMaskThePasswordOfTheDatabaseWhenPrinted() {
        String printed = new DatabaseSettings("jdbc:postgresql://db/postgres", "postgres", "s3cret").toString();

        assertThat(printed).doesNotContain("s3cret").contains("password=****").contains("user=postgres");
    }

    @Test
    void shouldMaskAPasswordParameterInTheUrl() {
        DatabaseSettings database = new DatabaseSettings(
                "jdbc:postgresql://db/postgres?user=u&PASSWORD=s3cret&sslmode=require", "u", null);

        assertThat(database.maskedUrl()).isEqualTo("jdbc:postgresql://db/postgres?user=u&PASSWORD=****&sslmode=require");
        assertThat(database.toString()).doesNotContain("s3cret");
    }
}
