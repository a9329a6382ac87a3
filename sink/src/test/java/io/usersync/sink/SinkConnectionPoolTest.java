package io.usersync.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SinkConnectionPoolTest {

    private static final String ANNOUNCE_MIGRATION = "/db/usersync/V6__announce_usernames_set_outside_the_pipeline.sql";

    @Test
    void shouldConnectUnderTheNameWhoseWritesTheUsernameTriggersLeaveUnannounced() throws IOException {
        String migration;
        try (InputStream in = SinkConnectionPoolTest.class.getResourceAsStream(ANNOUNCE_MIGRATION)) {
            assertThat(in).as(ANNOUNCE_MIGRATION).isNotNull();
            migration = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(migration.split("current_setting\\('application_name'\\) is distinct from '"
                + SinkConnectionPool.APPLICATION_NAME + "'", -1)).hasSize(3);
    }
}
