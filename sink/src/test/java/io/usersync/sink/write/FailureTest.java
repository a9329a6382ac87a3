package io.usersync.sink.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.params.ParameterizedTest;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FailureTest {

    @ParameterizedTest
    @ValueSource(strings = {"08006", "08001", "40001", "40P01", "57P01", "57P03", "53300", "53100", "57014"})
    void shouldRetryConnectionLossSerializationDeadlockShutdownAndResourceErrors(String state) {
        assertThat(Failure.of(new SQLException("x", state))).isEqualTo(Failure.TRANSIENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"23505", "23514", "23502", "22001", "22P02"})
    void shouldDeadLetterConstraintViolationsAndBadValues(String state) {
        assertThat(Failure.of(new SQLException("x", state))).isEqualTo(Failure.POISON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"42P01", "42703", "42501", "XX000", "28P01", "3F000", "57P04"})
    void shouldStopOnMissingTablesColumnsAndPrivilegesAndInternalErrors(String state) {
        assertThat(Failure.of(new SQLException("x", state))).isEqualTo(Failure.FATAL);
        assertThat(Failure.of(new SQLException("x", state)).isolatesTheRecord()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"P0001", "54000", "44000", "HV000"})
    void shouldIsolateTheRecordOfAnErrorWhoseSqlStateItDoesNotClassify(String state) {
        assertThat(Failure.of(new SQLException("x", state))).isEqualTo(Failure.UNCLASSIFIED);
        assertThat(Failure.of(new SQLException("x", state)).isolatesTheRecord()).isTrue();
    }

    @Test
    void shouldRetryWhenThePoolHasNoConnection() {
        assertThat(Failure.of(new SQLTransientConnectionException("pool timeout"))).isEqualTo(Failure.TRANSIENT);
    }

    @Test
    void shouldRetryAnIoFailureWithoutSqlState() {
        assertThat(Failure.of(new SQLException("io", null, new EOFException()))).isEqualTo(Failure.TRANSIENT);
    }

    @Test
    void shouldDescribeAConstraintViolationByItsNamesWithoutTheValuesOfTheRow() {
        PSQLException error = new PSQLException(new ServerErrorMessage("SERROR\0C23505\0Mduplicate key value violates unique"
                + " constraint \"users_username_lower_key\"\0DKey (lower(username))=(alice@example.com) already exists.\0"
                + "spublic\0tusers\0nusers_username_lower_key\0"));

        assertThat(Failure.describe(error))
                .isEqualTo("PSQLException (SQL state 23505, constraint users_username_lower_key, table public.users)")
                .doesNotContain("alice");
    }
}
