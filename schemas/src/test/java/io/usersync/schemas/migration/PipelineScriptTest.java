package io.usersync.schemas.migration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PipelineScriptTest {

    @Test
    void shouldOrderTheMigrationsByVersionNumberNotByName() {
        assertThat(PipelineScript.migrations()).extracting(migration -> migration.version().getVersion())
                .startsWith("1", "2").endsWith("10", "11");
    }

    @Test
    void shouldRecordEachMigrationRightAfterItsStatements() {
        String script = PipelineScript.script("");

        assertThat(script.indexOf("values (10, '10', 'policies call auth functions once', 'SQL',"))
                .isGreaterThan(script.indexOf("alter policy users_update_own on public.users"));
    }
}
