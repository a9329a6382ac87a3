package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** {@code usersync migrate --print-sql} without a database: what it prints, and what it refuses. */
class PrintSqlTest {

    /** Nothing listens there: a command that tried to connect would fail. */
    private static final String UNREACHABLE_DATABASE = "jdbc:postgresql://127.0.0.1:1/postgres";

    @Test
    void shouldPrintTheSchemaWithoutADatabase() {
        Result printed = usersync("migrate", "--print-sql");

        assertThat(printed.exit()).isZero();
        assertThat(printed.out()).contains("create table public.users (", "create schema \"usersync\";",
                "select usersync.apply_profile_fields_policy('editable');");
    }

    @Test
    void shouldLeaveNoPlaceholderUnresolved() {
        assertThat(usersync("migrate", "--print-sql").out()).doesNotContain("${");
    }

    @Test
    void shouldApplyTheConfiguredProfileFieldsPolicy() {
        assertThat(usersync("migrate", "--print-sql", "--set", "USERSYNC_PROFILE_FIELDS=from-auth").out())
                .endsWith("select usersync.apply_profile_fields_policy('from-auth');\n");
    }

    @Test
    void shouldRefuseAnAppsOwnTableNamingTheAdoptionCommands() {
        Result refused = usersync("migrate", "--print-sql", "--db-url", UNREACHABLE_DATABASE,
                "--set", "USERSYNC_TABLE=public.profiles");

        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("USERSYNC_TABLE=public.profiles is the app's own table",
                "usersync migrate --dry-run", "then 'usersync migrate'");
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result usersync(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new UsersyncCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
