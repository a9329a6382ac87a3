package io.usersync.app.adopt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.usersync.app.adopt.TableShape.Column;
import io.usersync.app.adopt.TableShape.Grant;
import io.usersync.schemas.database.ProfileTable;

class AdoptionPlanTest {

    private static final ProfileTable PROFILES = ProfileTable.parse("public.profiles");

    private static final List<Column> STARTER_COLUMNS = List.of(
            column("id", "uuid", "uuid", true, false),
            column("updated_at", "timestamptz", "timestamp with time zone", false, false),
            column("username", "text", "text", false, false),
            column("full_name", "text", "text", false, false),
            column("avatar_url", "text", "text", false, false),
            column("website", "text", "text", false, false));

    @Test
    void shouldAddEveryPipelineColumnTheTableLacksWithV1sTypes() {
        AdoptionPlan plan = AdoptionPlan.of(shape(STARTER_COLUMNS, List.of(), 0));

        assertThat(sql(plan)).contains(
                "alter table public.users add column if not exists email text",
                "alter table public.users add column if not exists providers text[]",
                "alter table public.users add column if not exists email_verified boolean not null default false",
                "alter table public.users add column if not exists source_lsn bigint not null default 0",
                "alter table public.users add column if not exists synced_at timestamptz not null default now()");
    }

    @Test
    void shouldTakeOverACompatibleColumnInsteadOfAddingIt() {
        AdoptionPlan plan = AdoptionPlan.of(shape(STARTER_COLUMNS, List.of(), 0));

        assertThat(sql(plan)).noneMatch(sql -> sql.contains("add column if not exists updated_at"));
        assertThat(plan.notes()).contains(
                "takes over updated_at (timestamp with time zone): from now on it holds auth.users.updated_at");
    }

    @Test
    void shouldMoveAnonsTableLevelSelectOntoTheColumnsTheTableHasNow() {
        AdoptionPlan plan = AdoptionPlan.of(shape(STARTER_COLUMNS, List.of(grant("anon", "SELECT", false)), 0));

        assertThat(sql(plan)).contains("revoke select on public.users from anon;\n"
                + "grant select (id, updated_at, username, full_name, avatar_url, website) on public.users to anon");
    }

    @Test
    void shouldKeepServiceRolesTableLevelSelectAndMoveItsWritesOntoColumns() {
        AdoptionPlan plan = AdoptionPlan.of(shape(STARTER_COLUMNS,
                List.of(grant("service_role", "SELECT", false), grant("service_role", "UPDATE", false)), 0));

        assertThat(sql(plan)).contains("revoke update on public.users from service_role;\n"
                + "grant update (id, updated_at, username, full_name, avatar_url, website) on public.users to service_role");
        assertThat(sql(plan)).noneMatch(sql -> sql.contains("revoke select on public.users from service_role"));
    }

    @Test
    void shouldLeaveDeleteAndTruncateAsTheAppHadThem() {
        AdoptionPlan plan = AdoptionPlan.of(shape(STARTER_COLUMNS,
                List.of(grant("authenticated", "DELETE", false), grant("anon", "TRUNCATE", false)), 0));

        assertThat(sql(plan)).noneMatch(sql -> sql.contains("on public.users from"));
    }

    @Test
    void shouldKeepTheGrantOptionOfAPrivilegeMovedOntoColumns() {
        AdoptionPlan plan = AdoptionPlan.of(shape(STARTER_COLUMNS, List.of(grant("PUBLIC", "SELECT", true)), 0));

        assertThat(sql(plan)).contains("revoke select on public.users from public;\n"
                + "grant select (id, updated_at, username, full_name, avatar_url, website) on public.users to public"
                + " with grant option");
    }

    @Test
    void shouldNameEveryProblemWithItsFixAtOnce() {
        List<Column> columns = new ArrayList<>(STARTER_COLUMNS);
        columns.set(0, column("id", "int8", "bigint", true, false));
        columns.add(column("plan", "text", "text", true, false));

        assertThatThrownBy(() -> AdoptionPlan.of(shape(columns, List.of(), 0)))
                .isInstanceOf(AdoptionRefusedException.class)
                .hasMessageContaining("id is bigint, not uuid")
                .hasMessageContaining("plan is NOT NULL without a default")
                .hasMessageContaining("Fix: alter table public.users alter column plan set default");
    }

    @Test
    void shouldRefuseANotNullEmailColumnThePipelineWritesNullInto() {
        List<Column> columns = new ArrayList<>(STARTER_COLUMNS);
        columns.add(column("email", "varchar", "character varying", true, false));

        assertThatThrownBy(() -> AdoptionPlan.of(shape(columns, List.of(), 0)))
                .isInstanceOf(AdoptionRefusedException.class)
                .hasMessageContaining("email is NOT NULL: the pipeline writes null into it for some users."
                        + " Fix: alter table public.users alter column email drop not null");
    }

    @Test
    void shouldAcceptAnAppColumnThatIsNotNullWithADefault() {
        List<Column> columns = new ArrayList<>(STARTER_COLUMNS);
        columns.add(column("plan", "text", "text", true, true));

        assertThat(AdoptionPlan.of(shape(columns, List.of(), 0)).steps()).isNotEmpty();
    }

    @Test
    void shouldNotAddTheUsernameIndexWhenUsernamesDifferOnlyInCase() {
        AdoptionPlan plan = AdoptionPlan.of(shape(STARTER_COLUMNS, List.of(), 2));

        assertThat(sql(plan)).noneMatch(sql -> sql.contains("users_username_lower_key"));
        assertThat(plan.notes()).anyMatch(note -> note.startsWith("does not add the unique index users_username_lower_key"));
    }

    @Test
    void shouldAddThePipelinesColumnsToTheConfiguredTable() {
        AdoptionPlan plan = AdoptionPlan.of(shape(PROFILES, STARTER_COLUMNS, List.of(), 0));

        assertThat(sql(plan)).contains("alter table public.profiles add column if not exists email text")
                .noneMatch(sql -> sql.contains("public.users"));
    }

    @Test
    void shouldNameTheUsernameIndexAfterTheConfiguredTable() {
        AdoptionPlan plan = AdoptionPlan.of(shape(PROFILES, STARTER_COLUMNS, List.of(), 0));

        assertThat(sql(plan)).contains("create unique index if not exists profiles_username_lower_key"
                + " on public.profiles (lower(username))");
    }

    @Test
    void shouldMoveGrantsOntoTheColumnsOfTheConfiguredTable() {
        AdoptionPlan plan = AdoptionPlan.of(shape(PROFILES, STARTER_COLUMNS, List.of(grant("anon", "SELECT", false)), 0));

        assertThat(sql(plan)).contains("revoke select on public.profiles from anon;\n"
                + "grant select (id, updated_at, username, full_name, avatar_url, website) on public.profiles to anon");
    }

    @Test
    void shouldReadTheConfiguredTablesEmailInCurrentUserEmail() {
        AdoptionPlan plan = AdoptionPlan.of(shape(PROFILES, STARTER_COLUMNS, List.of(), 0));

        assertThat(sql(plan)).anyMatch(sql -> sql.contains("select u.email from public.profiles u where u.id = auth.uid()"));
    }

    @Test
    void shouldNameTheConfiguredTableInTheRefusalAndItsFixes() {
        List<Column> columns = new ArrayList<>(STARTER_COLUMNS);
        columns.add(column("plan", "text", "text", true, false));

        assertThatThrownBy(() -> AdoptionPlan.of(shape(PROFILES, columns, List.of(), 0)))
                .isInstanceOf(AdoptionRefusedException.class)
                .hasMessageContaining("did not adopt public.profiles")
                .hasMessageContaining("Fix: alter table public.profiles alter column plan set default");
    }

    @Test
    void shouldKeepTheUsernameIndexNameWithinPostgresLimitForALongTableName() {
        ProfileTable table = new ProfileTable("public", "p".repeat(63));

        assertThat(TableShape.usernameLowerIndex(table)).hasSize(63).endsWith("_username_lower_key");
    }

    private static List<String> sql(AdoptionPlan plan) {
        return plan.steps().stream().map(AdoptionStep::sql).toList();
    }

    private static Column column(String name, String typeName, String type, boolean notNull, boolean filledByDatabase) {
        return new Column(name, name, typeName, type, -1, notNull, filledByDatabase, true);
    }

    private static Grant grant(String grantee, String privilege, boolean grantable) {
        return new Grant(grantee, grantee.equals("PUBLIC") ? "public" : grantee, privilege, grantable, "postgres");
    }

    private static TableShape shape(List<Column> columns, List<Grant> grants, long usernamesDifferingInCase) {
        return shape(ProfileTable.DEFAULT, columns, grants, usernamesDifferingInCase);
    }

    private static TableShape shape(ProfileTable table, List<Column> columns, List<Grant> grants, long usernamesDifferingInCase) {
        return new TableShape(table, "r", "postgres", true, "postgres", columns, true, usernamesDifferingInCase, false, grants,
                Set.of("anon", "authenticated", "service_role"), false, false, false, false, true, List.of());
    }
}
