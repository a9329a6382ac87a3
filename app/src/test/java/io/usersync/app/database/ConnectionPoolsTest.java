package io.usersync.app.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariConfig;

import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.sink.SinkConnectionPool;

class ConnectionPoolsTest {

    private static final DatabaseSettings DATABASE = new DatabaseSettings("jdbc:postgresql://db:5432/postgres", "postgres", "pw");

    @Test
    void shouldConnectUnderTheGivenApplicationName() {
        HikariConfig config = ConnectionPools.config(DATABASE, "usersync-reconcile", 2);

        assertThat(config.getDataSourceProperties()).containsEntry("ApplicationName", "usersync-reconcile");
        assertThat(config.getPoolName()).isEqualTo("usersync-reconcile");
    }

    @Test
    void shouldConnectAsTheConfiguredUserToTheConfiguredUrl() {
        HikariConfig config = ConnectionPools.config(DATABASE, ConnectionPools.RUN, 4);

        assertThat(config.getJdbcUrl()).isEqualTo(DATABASE.jdbcUrl());
        assertThat(config.getUsername()).isEqualTo("postgres");
        assertThat(config.getPassword()).isEqualTo("pw");
        assertThat(config.getMaximumPoolSize()).isEqualTo(4);
    }

    @Test
    void shouldKeepTheServersErrorDetailOutOfExceptionMessages() {
        HikariConfig config = ConnectionPools.config(DATABASE, ConnectionPools.RUN, 4);

        assertThat(config.getDataSourceProperties()).containsEntry("logServerErrorDetail", "false");
    }

    @Test
    void shouldRefuseTheSinksApplicationNameWhoseUsernamesTheTriggersLeaveUnannounced() {
        assertThatThrownBy(() -> ConnectionPools.config(DATABASE, SinkConnectionPool.APPLICATION_NAME, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(SinkConnectionPool.APPLICATION_NAME);
    }

    @Test
    void shouldOpenWhileTheDatabaseIsDown() {
        DatabaseSettings nowhere = new DatabaseSettings("jdbc:postgresql://127.0.0.1:1/none", "u", null);

        try (var pool = ConnectionPools.open(nowhere, "usersync-test", 1)) {
            assertThat(pool.isClosed()).isFalse();
        }
    }
}
