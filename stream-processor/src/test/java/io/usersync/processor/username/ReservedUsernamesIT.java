package io.usersync.processor.username;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.testing.TestDatabase;

/**
 * The database refuses a reserved word as a username (constraint {@code users_username_not_reserved}, list
 * in {@code usersync.reserved_usernames()}) so that a user's own edit obeys the pipeline's rule. The two
 * lists must be the same: a word only the database knows would reject usernames the pipeline hands out;
 * a word only the pipeline knows would let users take it.
 */
class ReservedUsernamesIT {

    @Test
    void shouldReserveInTheDatabaseExactlyTheWordsThePipelineNeverLetsStandAlone() throws SQLException {
        Set<String> inDatabase = new HashSet<>();
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startTemporary()) {
            TestDatabase database = TestDatabase.migrated(postgres);
            try (Connection c = database.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select unnest(usersync.reserved_usernames())")) {
                while (rs.next()) {
                    inDatabase.add(rs.getString(1));
                }
            }
        }

        assertThat(inDatabase).isEqualTo(UsernameBase.RESERVED);
    }
}
