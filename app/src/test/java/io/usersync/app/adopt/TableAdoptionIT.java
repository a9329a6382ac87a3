package io.usersync.app.adopt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.usersync.app.UsersyncCommand;
import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.database.ProfileTable;
import io.usersync.schemas.testing.AuthUsersTable;
import io.usersync.schemas.testing.SupabaseStarter;
import io.usersync.schemas.testing.TestDatabase;
import picocli.CommandLine;

/**
 * {@code usersync migrate} on a database whose profile table the app made, as Supabase's profiles starter does: named
 * public.users, or public.profiles as in Supabase's guide ({@code USERSYNC_TABLE}).
 */
class TableAdoptionIT {

    private static final String PROFILES = "public.profiles";
    private static final String[] PROFILES_SETTING = {"--set", "USERSYNC_TABLE=" + PROFILES};

    private static EmbeddedPostgresServer postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = EmbeddedPostgresServer.startTemporary();
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @Test
    void shouldKeepEveryRowUsernameAndAppColumnOfTheStarterTable() throws SQLException {
        TestDatabase database = starter();
        signUp(database, "jo.doe", "Jo Doe", "https://example.com/jo");
        signUp(database, "anna", "Anna A.", null);
        signUp(database, null, null, null);
        List<String> before = rows(database);

        assertThat(migrate(database).exit()).isZero();

        assertThat(rows(database)).isEqualTo(before).hasSize(3);
    }

    @Test
    void shouldKeepTheForeignKeyPoliciesConstraintsAndTriggerOfTheStarterTable() throws SQLException {
        TestDatabase database = starter();

        migrate(database);

        assertThat(query(database, "select pg_get_constraintdef(oid) from pg_constraint"
                + " where conrelid = 'public.users'::regclass and contype = 'f'"))
                .containsExactly("FOREIGN KEY (id) REFERENCES auth.users(id) ON DELETE CASCADE");
        assertThat(query(database, "select conname from pg_constraint where conrelid = 'public.users'::regclass order by 1"))
                .containsExactly("username_length", "users_id_fkey", "users_pkey", "users_username_key");
        assertThat(query(database, "select polname from pg_policy where polrelid = 'public.users'::regclass order by 1"))
                .containsExactly("Public profiles are viewable by everyone.", "Users can insert their own profile.",
                        "Users can update own profile.");
        assertThat(query(database, "select tgname from pg_trigger where tgrelid = 'auth.users'::regclass and not tgisinternal"))
                .containsExactly("on_auth_user_created");
    }

    @Test
    void shouldRecordEveryMigrationAndCreateThePipelinesTables() throws SQLException {
        TestDatabase database = starter();

        String output = migrate(database).out();

        assertThat(query(database, "select version from usersync.flyway_schema_history where success and version is not null"
                + " order by installed_rank")).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11");
        assertThat(query(database, "select table_name from information_schema.tables where table_schema = 'usersync'"
                + " order by 1")).contains("app_owned_fields", "capture_heartbeat", "capture_signal", "dlt_redrives",
                "flyway_schema_history", "sink_offsets");
        assertThat(output).contains("recorded V1 users and pipeline schema, V5 supabase privileges and profile rules"
                + " as applied without running them");
    }

    @Test
    void shouldAddNoneOfThePipelinesChecks() throws SQLException {
        TestDatabase database = starter();

        migrate(database);

        assertThat(query(database, "select conname from pg_constraint where conrelid = 'public.users'::regclass"
                + " and contype = 'c'")).containsExactly("username_length");
    }

    @Test
    void shouldMakeTheProfileFieldsOfRowsNoPipelineWroteTheApps() throws SQLException {
        TestDatabase database = starter();
        UUID jo = signUp(database, "jo.doe", "Jo Doe", null);

        migrate(database);

        assertThat(query(database, "select field || '=' || value from usersync.app_owned_fields where user_id = '" + jo
                + "' order by field")).containsExactly("full_name=Jo Doe", "username=jo.doe");
        assertThat(query(database, "select source_lsn::text from public.users")).containsExactly("0");
    }

    @Test
    void shouldKeepUsernamesThePipelineWouldNotMake() throws SQLException {
        TestDatabase database = starter();
        database.execute("alter table public.users drop constraint username_length");
        signUp(database, "Jo.Doe", null, null);
        signUp(database, "ab", null, null);
        signUp(database, "MiXeD", null, null);

        assertThat(migrate(database).exit()).isZero();

        assertThat(query(database, "select username from public.users order by username"))
                .containsExactly("Jo.Doe", "MiXeD", "ab");
    }

    @Test
    void shouldLetTheAppUpdateARowWhoseUsernameAndAvatarThePipelineWouldNotMake() throws SQLException {
        TestDatabase database = starter();
        UUID jo = signUp(database, "Jo.Doe", "Jo", "avatars/jo.png");
        migrate(database);

        database.execute("update public.users set full_name = 'Jo D.', avatar_url = 'avatars/jo-2.png' where id = '" + jo + "'");

        assertThat(query(database, "select full_name || ' ' || avatar_url from public.users")).containsExactly("Jo D. avatars/jo-2.png");
    }

    @Test
    void shouldAddTheCaseInsensitiveUsernameIndexWhenNoTwoUsernamesDifferOnlyInCase() throws SQLException {
        TestDatabase database = starter();
        signUp(database, "MiXeD", null, null);
        signUp(database, "other", null, null);

        migrate(database);

        assertThatThrownBy(() -> signUp(database, "mixed", null, null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("users_username_lower_key");
    }

    @Test
    void shouldLeaveTheCaseInsensitiveUsernameIndexOutWhenTwoUsernamesDifferOnlyInCase() throws SQLException {
        TestDatabase database = starter();
        signUp(database, "MiXeD", null, null);
        signUp(database, "mixed", null, null);

        Result migrate = migrate(database);

        assertThat(migrate.exit()).isZero();
        assertThat(migrate.out()).contains("does not add the unique index users_username_lower_key on lower(username): 1 lower-cased usernames"
                + " are held by more than one row");
        assertThat(query(database, "select to_regclass('public.users_username_lower_key')::text")).containsOnlyNulls();
    }

    @Test
    void shouldPrintThePlanAndChangeNothingOnADryRun() throws SQLException {
        TestDatabase database = starter();
        signUp(database, "jo.doe", "Jo", null);
        String before = catalog(database);

        Result dryRun = migrate(database, "--dry-run");

        assertThat(dryRun.exit()).isZero();
        assertThat(dryRun.out()).contains("migrate would adopt public.users:", "adds email text",
                "alter table public.users add column if not exists source_lsn bigint not null default 0;",
                "takes over updated_at (timestamp with time zone): from now on it holds auth.users.updated_at",
                "anon: select, insert, update, references on the 6 columns public.users has now",
                "would record V1 users and pipeline schema, V5 supabase privileges and profile rules",
                "would run V2 sink offsets, V3 capture signal, V4 dlt redrives,");
        assertThat(catalog(database)).isEqualTo(before);
    }

    @Test
    void shouldSayWhatAFreshDatabaseGetsOnADryRunAndChangeNothing() throws SQLException {
        TestDatabase database = TestDatabase.empty(postgres);
        database.migrations().applyDevAuthSchema();
        String before = catalog(database);

        Result dryRun = migrate(database, "--dry-run");

        assertThat(dryRun.out()).contains("usersync schema: would create public.users and the usersync schema"
                + " (V1 users and pipeline schema, V2 sink offsets,");
        assertThat(catalog(database)).isEqualTo(before);
    }

    @Test
    void shouldRefuseAnIdThatIsNotAUuidNamingItAndChangeNothing() throws SQLException {
        TestDatabase database = TestDatabase.empty(postgres);
        database.migrations().applyDevAuthSchema();
        database.execute("create table public.users (id bigint primary key, username text)",
                "insert into public.users values (1, 'jo')");
        String before = catalog(database);

        Result migrate = migrate(database);

        assertThat(migrate.exit()).isEqualTo(2);
        assertThat(migrate.err()).contains("changed nothing", "id is bigint, not uuid", "Fix: alter table public.users"
                + " alter column id type uuid");
        assertThat(catalog(database)).isEqualTo(before);
    }

    @Test
    void shouldRefuseAnAppColumnThatIsNotNullWithoutADefaultAndChangeNothing() throws SQLException {
        TestDatabase database = starter();
        database.execute("alter table public.users add column plan text not null");
        String before = catalog(database);

        Result migrate = migrate(database);

        assertThat(migrate.exit()).isEqualTo(2);
        assertThat(migrate.err()).contains("plan is NOT NULL without a default: the pipeline inserts rows without it",
                "alter column plan set default");
        assertThat(catalog(database)).isEqualTo(before);
    }

    @Test
    void shouldRefuseAPipelineColumnOfAnotherTypeAndChangeNothing() throws SQLException {
        TestDatabase database = starter();
        database.execute("alter table public.users add column email integer");
        String before = catalog(database);

        Result migrate = migrate(database);

        assertThat(migrate.exit()).isEqualTo(2);
        assertThat(migrate.err()).contains("email is integer: the pipeline writes text into it");
        assertThat(catalog(database)).isEqualTo(before);
    }

    @Test
    void shouldNotLetAnonReadEmailsAfterAdoption() throws SQLException {
        TestDatabase database = starter();
        signUp(database, "jo.doe", null, null);
        migrate(database);

        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("set role anon");
            assertThatThrownBy(() -> s.executeQuery("select email from public.users"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void shouldLetAnonReadTheColumnsItReadBefore() throws SQLException {
        TestDatabase database = starter();
        signUp(database, "jo.doe", "Jo", null);
        database.execute("update public.users set website = 'https://jo.example'");
        migrate(database);

        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("set role anon");
            try (ResultSet rs = s.executeQuery("select username, full_name, website, updated_at from public.users")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("website")).isEqualTo("https://jo.example");
            }
        }
    }

    @Test
    void shouldLetServiceRoleReadEveryColumnButWriteOnlyTheAppsOwn() throws SQLException {
        TestDatabase database = starter();
        UUID jo = signUp(database, "jo.doe", null, null);
        migrate(database);

        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("set role service_role");
            try (ResultSet rs = s.executeQuery("select email, source_lsn from public.users")) {
                assertThat(rs.next()).isTrue();
            }
            assertThat(s.executeUpdate("update public.users set website = 'https://jo.example' where id = '" + jo + "'")).isEqualTo(1);
            assertThatThrownBy(() -> s.executeUpdate("update public.users set email = 'x@example.com' where id = '" + jo + "'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void shouldNotLetAUserWriteTheirOwnSourceLsn() throws SQLException {
        TestDatabase database = starter();
        UUID jo = signUp(database, "jo.doe", null, null);
        migrate(database);

        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, jo);
            assertThatThrownBy(() -> s.executeUpdate("update public.users set source_lsn = 9223372036854775807 where id = '" + jo + "'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void shouldNotLetAUserWriteTheirOwnEmail() throws SQLException {
        TestDatabase database = starter();
        UUID jo = signUp(database, "jo.doe", null, null);
        migrate(database);

        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, jo);
            assertThatThrownBy(() -> s.executeUpdate("update public.users set email = 'x@example.com' where id = '" + jo + "'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void shouldStillLetAUserUpdateTheirOwnWebsiteAndFullName() throws SQLException {
        TestDatabase database = starter();
        UUID jo = signUp(database, "jo.doe", "Jo", null);
        migrate(database);

        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, jo);
            assertThat(s.executeUpdate("update public.users set website = 'https://jo.example', full_name = 'Jo D.'"
                    + " where id = '" + jo + "'")).isEqualTo(1);
        }
        assertThat(query(database, "select website || ' ' || full_name from public.users")).containsExactly("https://jo.example Jo D.");
    }

    @Test
    void shouldStillLetTheHandleNewUserTriggerCreateARowAsTheAppsOwn() throws SQLException {
        TestDatabase database = starter();
        migrate(database);

        UUID jo = signUp(database, null, "Jo", null);

        assertThat(query(database, "select source_lsn || ' ' || email_verified || ' ' || full_name from public.users"
                + " where id = '" + jo + "'")).containsExactly("0 false Jo");
    }

    @Test
    void shouldDoNothingWhenMigrateRunsASecondTime() throws SQLException {
        TestDatabase database = starter();
        signUp(database, "jo.doe", "Jo", null);
        migrate(database);
        String after = catalog(database);

        Result again = migrate(database);

        assertThat(again.exit()).isZero();
        assertThat(again.out()).isEqualTo("profile table: public.users (USERSYNC_TABLE)\n"
                + "usersync schema: 0 migrations applied\n"
                + "profile fields: editable (USERSYNC_PROFILE_FIELDS)\n");
        assertThat(catalog(database)).isEqualTo(after);
    }

    @Test
    void shouldNameTheHandleNewUserTriggerForTheCutOverAndLeaveItInPlace() throws SQLException {
        TestDatabase database = starter();

        String output = migrate(database).out();

        assertThat(output).contains("cut-over: trigger on_auth_user_created on auth.users (handle_new_user())",
                "run `usersync run` until it streams", "drop trigger on_auth_user_created on auth.users;");
        assertThat(query(database, "select tgenabled::text from pg_trigger where tgname = 'on_auth_user_created'"))
                .containsExactly("O");
    }

    @Test
    void shouldFinishAnAdoptionCutShortBeforeItsMigrations() throws SQLException {
        TestDatabase database = starter();
        signUp(database, "jo.doe", "Jo", null);
        new TableAdoption(database.dataSource(), ProfileTable.DEFAULT).apply();

        Result resumed = migrate(database);

        assertThat(resumed.exit()).isZero();
        assertThat(query(database, "select version from usersync.flyway_schema_history where success and version is not null"
                + " order by installed_rank")).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11");
        assertThat(query(database, "select count(*)::text from pg_constraint where conrelid = 'public.users'::regclass"
                + " and conname like 'users_%' and contype = 'c'")).containsExactly("0");
    }

    @Test
    void shouldKeepEveryRowOfAStarterTableNamedProfiles() throws SQLException {
        TestDatabase database = starter(PROFILES);
        signUp(database, PROFILES, "jo.doe", "Jo Doe", "https://example.com/jo");
        signUp(database, PROFILES, null, null, null);
        List<String> before = rows(database, PROFILES);

        assertThat(migrate(database, PROFILES_SETTING).exit()).isZero();

        assertThat(rows(database, PROFILES)).isEqualTo(before).hasSize(2);
    }

    @Test
    void shouldRecordV1V5AndV6WithoutRunningThemAndRunTheRestOnATableNamedProfiles() throws SQLException {
        TestDatabase database = starter(PROFILES);

        String output = migrate(database, PROFILES_SETTING).out();

        assertThat(query(database, "select version from usersync.flyway_schema_history where success and version is not null"
                + " order by installed_rank")).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11");
        assertThat(output).contains("recorded V1 users and pipeline schema, V5 supabase privileges and profile rules,"
                + " V6 announce usernames set outside the pipeline as applied without running them; ran V2 sink offsets,"
                + " V3 capture signal, V4 dlt redrives, V7 profile fields owned by the app, V8 announce usernames on the"
                + " profile table, V9 deleted users stay deleted, V10 policies call auth functions once, V11 current user email"
                + " defined outside the api");
    }

    @Test
    void shouldNotCreatePublicUsersWhenAdoptingATableNamedProfiles() throws SQLException {
        TestDatabase database = starter(PROFILES);

        migrate(database, PROFILES_SETTING);

        assertThat(query(database, "select to_regclass('public.users')::text")).containsOnlyNulls();
    }

    @Test
    void shouldAddThePipelinesColumnsToATableNamedProfiles() throws SQLException {
        TestDatabase database = starter(PROFILES);

        migrate(database, PROFILES_SETTING);

        assertThat(query(database, "select attname from pg_attribute where attrelid = 'public.profiles'::regclass"
                + " and attname in ('email', 'source_lsn', 'synced_at') order by 1"))
                .containsExactly("email", "source_lsn", "synced_at");
    }

    @Test
    void shouldMakeTheProfileFieldsOfTheRowsOfATableNamedProfilesTheApps() throws SQLException {
        TestDatabase database = starter(PROFILES);
        UUID jo = signUp(database, PROFILES, "jo.doe", "Jo Doe", null);

        migrate(database, PROFILES_SETTING);

        assertThat(query(database, "select field || '=' || value from usersync.app_owned_fields where user_id = '" + jo
                + "' order by field")).containsExactly("full_name=Jo Doe", "username=jo.doe");
    }

    @Test
    void shouldPutThePipelinesTriggersOnATableNamedProfiles() throws SQLException {
        TestDatabase database = starter(PROFILES);

        migrate(database, PROFILES_SETTING);

        assertThat(query(database, "select tgname from pg_trigger where tgrelid = 'public.profiles'::regclass"
                + " and not tgisinternal order by 1")).containsExactly("users_announce_changed_username",
                "users_announce_inserted_username", "users_keep_app_owned_fields", "users_keep_deleted_users_deleted");
    }

    @Test
    void shouldMakeAnAppsEditOfATableNamedProfilesTheApps() throws SQLException {
        TestDatabase database = starter(PROFILES);
        UUID jo = signUp(database, PROFILES, null, null, null);
        migrate(database, PROFILES_SETTING);

        database.execute("update public.profiles set full_name = 'Jo D.' where id = '" + jo + "'");

        assertThat(query(database, "select field || '=' || value from usersync.app_owned_fields where user_id = '" + jo
                + "'")).containsExactly("full_name=Jo D.");
    }

    @Test
    void shouldHoldTheEditablePolicyOnATableNamedProfiles() throws SQLException {
        TestDatabase database = starter(PROFILES);

        Result migrate = migrate(database, PROFILES_SETTING);

        assertThat(migrate.out()).contains("profile fields: editable (USERSYNC_PROFILE_FIELDS)");
        assertThat(query(database, "select usersync.profile_fields_policy()")).containsExactly("editable");
    }

    @Test
    void shouldAddTheCaseInsensitiveUsernameIndexNamedAfterATableNamedProfiles() throws SQLException {
        TestDatabase database = starter(PROFILES);
        signUp(database, PROFILES, "MiXeD", null, null);
        migrate(database, PROFILES_SETTING);

        assertThatThrownBy(() -> signUp(database, PROFILES, "mixed", null, null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("profiles_username_lower_key");
    }

    @Test
    void shouldNotLetAnonReadTheEmailsOfATableNamedProfilesAfterAdoption() throws SQLException {
        TestDatabase database = starter(PROFILES);
        signUp(database, PROFILES, "jo.doe", null, null);
        migrate(database, PROFILES_SETTING);

        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("set role anon");
            assertThatThrownBy(() -> s.executeQuery("select email from public.profiles"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void shouldLetASignedInUserReadTheirOwnEmailFromATableNamedProfiles() throws SQLException {
        TestDatabase database = starter(PROFILES);
        UUID jo = signUp(database, PROFILES, null, null, null);
        migrate(database, PROFILES_SETTING);
        database.execute("update public.profiles set email = 'jo@example.com' where id = '" + jo + "'");

        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, jo);
            try (ResultSet rs = s.executeQuery("select public.current_user_email()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("jo@example.com");
            }
        }
    }

    @Test
    void shouldDefineCurrentUserEmailOnATableNamedProfilesOutsideTheSchemaTheApiExposes() throws SQLException {
        TestDatabase database = starter(PROFILES);

        migrate(database, PROFILES_SETTING);

        assertThat(query(database, "select p.oid::regprocedure || ' ' || p.prosecdef from pg_proc p"
                + " where p.proname = 'current_user_email' order by 1"))
                .containsExactly("current_user_email() false", "usersync.current_user_email() true");
        assertThat(query(database, "select pg_get_functiondef('usersync.current_user_email()'::regprocedure)"))
                .singleElement().asString().contains("from public.profiles u where u.id = auth.uid()");
    }

    @Test
    void shouldKeepTheAppsOwnCurrentUserEmail() throws SQLException {
        TestDatabase database = starter();
        database.execute("""
                create function public.current_user_email() returns text language sql stable security definer
                    set search_path = '' as 'select u.email from auth.users u where u.id = auth.uid()'""");

        migrate(database);

        assertThat(query(database, "select p.prosrc || ' ' || p.prosecdef from pg_proc p"
                + " where p.oid = 'public.current_user_email()'::regprocedure"))
                .containsExactly("select u.email from auth.users u where u.id = auth.uid() true");
        assertThat(query(database, "select to_regprocedure('usersync.current_user_email()')::text")).containsOnlyNulls();
    }

    @Test
    void shouldNameTheHandleNewUserTriggerWritingATableNamedProfilesForTheCutOver() throws SQLException {
        TestDatabase database = starter(PROFILES);

        String output = migrate(database, PROFILES_SETTING).out();

        assertThat(output).contains("profile table: public.profiles (USERSYNC_TABLE)", "adopted public.profiles:",
                "cut-over: trigger on_auth_user_created on auth.users (handle_new_user()) writes public.profiles too");
    }

    @Test
    void shouldPrintThePlanForATableNamedProfilesAndChangeNothingOnADryRun() throws SQLException {
        TestDatabase database = starter(PROFILES);
        signUp(database, PROFILES, "jo.doe", "Jo", null);
        String before = catalog(database);

        Result dryRun = migrate(database, "--dry-run", PROFILES_SETTING[0], PROFILES_SETTING[1]);

        assertThat(dryRun.exit()).isZero();
        assertThat(dryRun.out()).contains("profile table: public.profiles (USERSYNC_TABLE)",
                "migrate would adopt public.profiles:",
                "alter table public.profiles add column if not exists source_lsn bigint not null default 0;",
                "would record V1 users and pipeline schema, V5 supabase privileges and profile rules,"
                        + " V6 announce usernames set outside the pipeline");
        assertThat(dryRun.out()).doesNotContain("public.users");
        assertThat(catalog(database)).isEqualTo(before);
    }

    @Test
    void shouldDoNothingWhenMigrateRunsASecondTimeOnATableNamedProfiles() throws SQLException {
        TestDatabase database = starter(PROFILES);
        signUp(database, PROFILES, "jo.doe", "Jo", null);
        migrate(database, PROFILES_SETTING);
        String after = catalog(database);

        Result again = migrate(database, PROFILES_SETTING);

        assertThat(again.exit()).isZero();
        assertThat(again.out()).isEqualTo("profile table: public.profiles (USERSYNC_TABLE)\n"
                + "usersync schema: 0 migrations applied\n"
                + "profile fields: editable (USERSYNC_PROFILE_FIELDS)\n");
        assertThat(catalog(database)).isEqualTo(after);
    }

    @Test
    void shouldFinishAnAdoptionOfATableNamedProfilesCutShortBeforeItsMigrations() throws SQLException {
        TestDatabase database = starter(PROFILES);
        new TableAdoption(database.dataSource(), ProfileTable.parse(PROFILES)).apply();

        Result resumed = migrate(database, PROFILES_SETTING);

        assertThat(resumed.exit()).isZero();
        assertThat(resumed.out()).contains("recorded V1 users and pipeline schema, V5 supabase privileges and profile rules,"
                + " V6 announce usernames set outside the pipeline as applied without running them");
        assertThat(query(database, "select version from usersync.flyway_schema_history where success and version is not null"
                + " order by installed_rank")).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11");
    }

    @Test
    void shouldRefuseAMissingTableOfAnotherNameNamingUsersyncTableAndChangeNothing() throws SQLException {
        TestDatabase database = starter("public.users");
        String before = catalog(database);

        Result migrate = migrate(database, PROFILES_SETTING);

        assertThat(migrate.exit()).isEqualTo(2);
        assertThat(migrate.err()).contains("USERSYNC_TABLE=public.profiles does not exist",
                "usersync creates only public.users", "Fix: create public.profiles (Supabase's starter, say) or unset USERSYNC_TABLE");
        assertThat(query(database, "select to_regnamespace('usersync')::text")).containsOnlyNulls();
        assertThat(catalog(database)).isEqualTo(before);
    }

    @Test
    void shouldRefuseAMissingTableOfAnotherNameBeforeCreatingTheDevAuthSchema() throws SQLException {
        TestDatabase database = TestDatabase.empty(postgres);
        String before = catalog(database);

        Result migrate = migrate(database, "--dev-auth-schema", PROFILES_SETTING[0], PROFILES_SETTING[1]);

        assertThat(migrate.exit()).isEqualTo(2);
        assertThat(migrate.err()).contains("USERSYNC_TABLE=public.profiles does not exist");
        assertThat(catalog(database)).isEqualTo(before);
    }

    @Test
    void shouldRefuseAMissingTableOfAnotherNameOnADryRun() throws SQLException {
        TestDatabase database = TestDatabase.empty(postgres);
        database.migrations().applyDevAuthSchema();

        Result dryRun = migrate(database, "--dry-run", PROFILES_SETTING[0], PROFILES_SETTING[1]);

        assertThat(dryRun.exit()).isEqualTo(2);
        assertThat(dryRun.err()).contains("USERSYNC_TABLE=public.profiles does not exist", "unset USERSYNC_TABLE");
        assertThat(dryRun.out()).doesNotContain("would create");
    }

    private static TestDatabase starter() throws SQLException {
        return starter("public.users");
    }

    /** Supabase's starter, its table named {@code table}. */
    private static TestDatabase starter(String table) throws SQLException {
        TestDatabase database = TestDatabase.empty(postgres);
        database.migrations().applyDevAuthSchema();
        database.execute(SupabaseStarter.profilesTable(table));
        return database;
    }

    /** A sign-up, whose row the starter's trigger makes; then the username the user picked in the app, if any. */
    private static UUID signUp(TestDatabase database, String username, String fullName, String avatarUrl) throws SQLException {
        return signUp(database, "public.users", username, fullName, avatarUrl);
    }

    private static UUID signUp(TestDatabase database, String table, String username, String fullName, String avatarUrl)
            throws SQLException {
        String metadata = "{" + (fullName == null ? "" : "\"full_name\": \"" + fullName + "\"")
                + (fullName != null && avatarUrl != null ? ", " : "")
                + (avatarUrl == null ? "" : "\"avatar_url\": \"" + avatarUrl + "\"") + "}";
        UUID id = new AuthUsersTable(database).signUp(UUID.randomUUID() + "@example.com", metadata, "{}");
        if (username != null) {
            try (Connection c = database.connect();
                    PreparedStatement s = c.prepareStatement("update " + table + " set username = ? where id = ?")) {
                s.setString(1, username);
                s.setObject(2, id);
                s.executeUpdate();
            }
        }
        return id;
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result migrate(TestDatabase database, String... options) {
        List<String> args = new ArrayList<>(List.of("migrate", "--db-url", database.jdbcUrl(),
                "--set", "USERSYNC_DB_USER=" + database.user(), "--set", "USERSYNC_DB_PASSWORD=" + database.password()));
        args.addAll(List.of(options));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new UsersyncCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    /** Acts as PostgREST does for a signed-in user: the authenticated role and the JWT claims setting. */
    private static void actAs(Statement statement, UUID userId) throws SQLException {
        statement.execute("select set_config('request.jwt.claims', '{\"sub\":\"" + userId + "\",\"role\":\"authenticated\"}', false)");
        statement.execute("set role authenticated");
    }

    /** The table's rows as the app sees them: its own columns. */
    private static List<String> rows(TestDatabase database) throws SQLException {
        return rows(database, "public.users");
    }

    private static List<String> rows(TestDatabase database, String table) throws SQLException {
        return query(database, "select concat_ws('|', id, username, full_name, avatar_url, website) from " + table + " order by id");
    }

    /**
     * Every relation, column, constraint, policy, trigger, function, schema and privilege outside the system catalogs,
     * and the rows of public.users and public.profiles: what a change of any kind would show in.
     */
    private static String catalog(TestDatabase database) throws SQLException {
        return String.join("\n", query(database, """
                select x from (
                  select 'rel ' || c.oid::regclass || ' ' || c.relkind::text || ' ' || coalesce(c.relacl::text, '') as x
                  from pg_class c join pg_namespace n on n.oid = c.relnamespace
                  where n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
                  union all
                  select 'col ' || a.attrelid::regclass || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                         || ' ' || a.attnotnull || ' ' || coalesce(a.attacl::text, '')
                  from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
                  where n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema' and a.attnum > 0 and not a.attisdropped
                  union all
                  select 'con ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) from pg_constraint
                  where connamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
                  union all
                  select 'pol ' || polrelid::regclass || ' ' || polname from pg_policy
                  union all
                  select 'trg ' || tgrelid::regclass || ' ' || tgname || ' ' || tgenabled::text from pg_trigger where not tgisinternal
                  union all
                  select 'fn ' || p.oid::regprocedure || ' ' || coalesce(p.proacl::text, '') from pg_proc p
                  where p.pronamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
                  union all
                  select 'nsp ' || nspname || ' ' || coalesce(obj_description(oid, 'pg_namespace'), '') from pg_namespace
                ) d order by x"""))
                + tableRows(database, "public.users") + tableRows(database, PROFILES);
    }

    private static String tableRows(TestDatabase database, String table) throws SQLException {
        return query(database, "select to_regclass('" + table + "')::text").get(0) == null ? ""
                : "\n" + String.join("\n", query(database, "select u::text from " + table + " u order by id"));
    }

    private static List<String> query(TestDatabase database, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
