package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.usersync.app.config.ConfigException;
import io.usersync.app.config.ConfigLoader;
import io.usersync.app.deadletter.DeadLetterReader;
import io.usersync.app.deadletter.DeadLetterRecord;
import io.usersync.app.deadletter.Redrive;
import io.usersync.app.ownership.GiveBack;
import io.usersync.app.ownership.ProfileFieldsPolicy;
import io.usersync.app.reconcile.DriftRepair;
import io.usersync.app.reconcile.DriftReport;
import io.usersync.app.reconcile.Reconciler;
import io.usersync.app.run.Application;
import io.usersync.app.run.StageConfigs;
import io.usersync.capture.resync.ResyncSignal;
import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.database.ProfileTable;
import io.usersync.schemas.testing.AuthUsersTable;
import io.usersync.schemas.testing.TestDatabase;
import io.usersync.sink.replay.ProfilesReplay;
import picocli.CommandLine;

/**
 * What a Supabase app does with public.users: a user signed in with Google edits their own name and avatar (as
 * {@code authenticated}, on their own row), or the app's back-end does (as {@code service_role}), and no path of
 * the pipeline ever writes over the edit, while the fields nobody edited keep following the provider and the
 * app's own columns ({@code bio}, {@code website}) are never touched. One named case per path.
 */
class ProfileFieldOwnershipIT {

    private static final Duration AT_MOST = Duration.ofMinutes(1);
    private static final String BIO = "Writes Java";
    private static final String WEBSITE = "https://example.org/me";

    private static EmbeddedPostgresServer postgres;
    private static EmbeddedKafkaBroker kafka;
    private static TestDatabase database;
    private static Application application;
    private static int deployments;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgresServer.startTemporary();
        kafka = EmbeddedKafkaBroker.startTemporary();
        database = TestDatabase.migrated(postgres);
        // Two columns of the app's own, which the pipeline must never write, clear or report.
        database.execute("alter table public.users add column bio text, add column website text default 'https://example.org'",
                "grant select (bio, website) on public.users to anon, authenticated",
                "grant update (bio, website) on public.users to authenticated, service_role");
        application = startDeployment(Map.of());
    }

    @AfterAll
    static void stop() {
        application.close();
        kafka.close();
        postgres.close();
    }

    @AfterEach
    void policyBackToEditable() throws SQLException {
        ProfileFieldsPolicy.EDITABLE.apply(database.dataSource());
    }

    @Test
    void shouldKeepAUsersEditedNameAndAvatarThroughTheirNextSignIn() throws Exception {
        UUID ada = signUpWithGoogle("ada@example.com", "Ada Lovelace", "https://lh3.example.com/ada.png");

        asUser(ada, "update public.users set full_name = 'Ada L.', avatar_url = 'https://cdn.example.com/ada-own.png',"
                + " bio = '" + BIO + "', website = '" + WEBSITE + "' where id = '" + ada + "'");
        signIn(ada, "Ada Lovelace (Google)", "https://lh3.example.com/ada-new.png");

        awaitSignInSynced(ada);
        assertThat(column(ada, "full_name")).isEqualTo("Ada L.");
        assertThat(column(ada, "avatar_url")).isEqualTo("https://cdn.example.com/ada-own.png");
        assertAppColumnsUntouched(ada);
    }

    @Test
    void shouldFollowTheProviderInEveryFieldTheUserNeverEdited() throws Exception {
        UUID bo = signUpWithGoogle("bo@example.com", "Bo Diddley", "https://lh3.example.com/bo.png");

        asUser(bo, "update public.users set full_name = 'Bo D.' where id = '" + bo + "'");
        signIn(bo, "Bo Diddley Sr.", "https://lh3.example.com/bo-new.png");

        awaitSignInSynced(bo);
        assertThat(column(bo, "full_name")).isEqualTo("Bo D.");
        assertThat(column(bo, "avatar_url")).isEqualTo("https://lh3.example.com/bo-new.png");
    }

    @Test
    void shouldKeepEditsMadeInTheSameUpdateAsARename() throws Exception {
        UUID cy = signUpWithGoogle("cy@example.com", "Cy Young", "https://lh3.example.com/cy.png");

        asUser(cy, "update public.users set username = 'cy_the_pitcher', full_name = 'Cy', avatar_url ="
                + " 'https://cdn.example.com/cy-own.png' where id = '" + cy + "'");

        // The rename is announced to the stream processor, which publishes the whole profile again with it.
        SinkProgress.awaitSinkPast(kafka.bootstrapServers(), application.database(), cy,
                profile -> "cy_the_pitcher".equals(profile.username()));
        assertThat(column(cy, "username")).isEqualTo("cy_the_pitcher");
        assertThat(column(cy, "full_name")).isEqualTo("Cy");
        assertThat(column(cy, "avatar_url")).isEqualTo("https://cdn.example.com/cy-own.png");
    }

    @Test
    void shouldKeepAnEditOfTheServiceRoleThroughAnEmailChange() throws Exception {
        UUID di = signUpWithGoogle("di@example.com", "Di Prince", "https://lh3.example.com/di.png");

        asServiceRole("update public.users set full_name = 'Diana (moderated)' where id = '" + di + "'");
        execute("update auth.users set email = 'diana@example.com', updated_at = now() where id = '" + di + "'");

        await().atMost(AT_MOST).until(() -> "diana@example.com".equals(column(di, "email")));
        assertThat(column(di, "full_name")).isEqualTo("Diana (moderated)");
    }

    @Test
    void shouldKeepEditsThroughAResyncFromTheProfilesTopic() throws Exception {
        UUID ed = editedUser("ed@example.com");

        ProfilesReplay.Result result = new ProfilesReplay(StageConfigs.sink(application.config())).run(records -> { });

        assertThat(result.upserted()).isPositive();
        assertEdited(ed);
    }

    @Test
    void shouldPutEditsBackWhenTheProfilesTopicIsReplayedIntoAnEmptiedTable() throws Exception {
        UUID fay = editedUser("fay@example.com");

        execute("truncate public.users");
        new ProfilesReplay(StageConfigs.sink(application.config())).run(records -> { });

        assertEditedProfileFields(fay);
        assertAppColumnsNeverWritten(fay);
    }

    @Test
    void shouldKeepEditsThroughAResyncFromTheSource() throws Exception {
        UUID gus = editedUser("gus@example.com");
        String before = column(gus, "synced_at::text");

        new ResyncSignal(application.database()).requestUsers(List.of(gus));

        await().atMost(AT_MOST).until(() -> "t".equals(column(gus, "synced_at > '" + before + "'")));
        assertEdited(gus);
    }

    @Test
    void shouldNotCountAnEditAsDriftAndNeverRevertItOnRepair() throws Exception {
        UUID hal = editedUser("hal@example.com");
        Reconciler reconciler = new Reconciler(application.database(), ProfileTable.DEFAULT, Duration.ZERO);
        assertThat(reconciler.run().drifted()).doesNotContain(hal.toString());
        // Real drift in a field auth.users owns, on the same row.
        execute("update public.users set email = 'not.hal@example.com' where id = '" + hal + "'");

        DriftReport report = reconciler.run();
        assertThat(report.drifted()).contains(hal.toString());
        new DriftRepair(application.database(), application.config().kafka(), TopicNames.PROFILES).repair(report);

        await().atMost(AT_MOST).until(() -> "hal@example.com".equals(column(hal, "email")));
        assertEdited(hal);
        assertThat(reconciler.run().drifted()).doesNotContain(hal.toString());
    }

    @Test
    void shouldReportDriftWithTheDatabaseAloneAndCountNoEditAsDrift() throws Exception {
        UUID nia = editedUser("nia@example.com");
        StringWriter out = new StringWriter();
        PrintStream stdout = System.out;
        ByteArrayOutputStream report = new ByteArrayOutputStream();

        int exit;
        System.setOut(new PrintStream(report, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new UsersyncCommand()).setErr(new PrintWriter(out))
                    .execute("reconcile", "--grace", "0s", "--max-ids", "1000", "--db-url", database.jdbcUrl(),
                            "--set", "USERSYNC_DB_USER=" + database.user(), "--set", "USERSYNC_DB_PASSWORD=" + database.password());
        } finally {
            System.setOut(stdout);
        }

        // 0 in step, 3 out of step (other cases' users may be in flight); never 2, a configuration refused for want of Kafka.
        assertThat(exit).as(out.toString()).isIn(0, 3);
        assertThat(report.toString(StandardCharsets.UTF_8)).startsWith("reconcile: ").doesNotContain(nia.toString());
    }

    @Test
    void shouldKeepEditsWhenARedrivenSignInLands() throws Exception {
        UUID ivy = editedUser("ivy@example.com");
        // A rule of the app's refuses the pipeline's next write of Ivy's row: the sign-in goes to the dead letters.
        execute("create function public.refuse_ivy() returns trigger language plpgsql as $$ begin"
                        + " if new.id = '" + ivy + "' then raise exception 'refused' using errcode = 'P0001'; end if;"
                        + " return new; end $$",
                "create trigger refuse_ivy before update on public.users for each row execute function public.refuse_ivy()");
        signIn(ivy, "Ivy from Google", "https://lh3.example.com/ivy-new.png");
        DeadLetterReader reader = new DeadLetterReader(application.config().kafka(), TopicNames.DEAD_LETTERS);
        await().atMost(AT_MOST).until(() -> deadLetters(reader, ivy).size() == 1);
        execute("drop trigger refuse_ivy on public.users", "drop function public.refuse_ivy()");

        Redrive.Result result = new Redrive(application.database(), application.config().kafka(),
                StageConfigs.consumedTopics()).redrive(deadLetters(reader, ivy));

        assertThat(result.redriven()).isEqualTo(1);
        awaitSignInSynced(ivy);
        assertEdited(ivy);
    }

    @Test
    void shouldPutEditsBackWhenAFreshDeploymentStartsFromTheTopicsIntoAnEmptiedTable() throws Exception {
        UUID jo = editedUser("jo@example.com");

        application.close();
        execute("truncate public.users", "truncate usersync.sink_offsets");
        // A new stream processor and sink: they read the CDC and profiles topics from the start.
        application = startDeployment(Map.of("USERSYNC_PROCESSOR_APPLICATION_ID", "usersync-processor-fresh",
                "USERSYNC_SINK_GROUP_ID", "usersync-sink-fresh"));

        await().atMost(AT_MOST).until(() -> column(jo, "id::text") != null);
        assertEditedProfileFields(jo);
        assertAppColumnsNeverWritten(jo);
    }

    @Test
    void shouldWriteTheProvidersValueAgainOnceAFieldIsGivenBack() throws Exception {
        UUID kim = signUpWithGoogle("kim@example.com", "Kim Possible", "https://lh3.example.com/kim.png");
        asUser(kim, "update public.users set full_name = 'KP', avatar_url = 'https://cdn.example.com/kim-own.png'"
                + " where id = '" + kim + "'");

        int owned = new GiveBack(application.database()).giveBack(kim, List.of("avatar_url"));

        assertThat(owned).isEqualTo(1);
        await().atMost(AT_MOST).until(() -> "https://lh3.example.com/kim.png".equals(column(kim, "avatar_url")));
        assertThat(column(kim, "full_name")).isEqualTo("KP");
        signIn(kim, "Kim Possible", "https://lh3.example.com/kim-new.png");
        await().atMost(AT_MOST).until(() -> "https://lh3.example.com/kim-new.png".equals(column(kim, "avatar_url")));
    }

    @Test
    void shouldLetOnlyTheServiceRoleGiveAFieldBack() throws Exception {
        UUID lea = editedUser("lea@example.com");
        String giveBack = "select usersync.give_back_to_provider('" + lea + "', array['full_name'])";

        assertThatThrownBy(() -> asUser(lea, giveBack)).hasMessageContaining("permission denied");
        assertThatThrownBy(() -> asRole("anon", giveBack)).hasMessageContaining("permission denied");
        asServiceRole(giveBack);

        await().atMost(AT_MOST).until(() -> "Lea from Google".equals(column(lea, "full_name")));
    }

    @Test
    void shouldOverwriteEveryFieldAndRefuseUsersEditsWhenAuthUsersOwnsThem() throws Exception {
        UUID max = editedUser("max@example.com");

        ProfileFieldsPolicy.FROM_AUTH.apply(database.dataSource());

        assertThatThrownBy(() -> asUser(max, "update public.users set full_name = 'Maxi' where id = '" + max + "'"))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> asServiceRole("update public.users set avatar_url = 'https://cdn.example.com/m.png'"
                + " where id = '" + max + "'")).hasMessageContaining("permission denied");
        asUser(max, "update public.users set bio = 'still mine' where id = '" + max + "'");
        signIn(max, "Max from Google", "https://lh3.example.com/max-new.png");
        await().atMost(AT_MOST).until(() -> "Max from Google".equals(column(max, "full_name")));
        assertThat(column(max, "avatar_url")).isEqualTo("https://lh3.example.com/max-new.png");
        assertThat(column(max, "bio")).isEqualTo("still mine");
    }

    @Test
    void shouldRefuseToRunASinkUnderAnotherPolicyThanTheDatabaseHolds() throws Exception {
        Map<String, String> environment = new HashMap<>(environment(Map.of("USERSYNC_PROFILE_FIELDS", "from-auth",
                "USERSYNC_STAGES", "sink")));

        assertThatThrownBy(() -> Application.start(ConfigLoader.load(environment, Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("USERSYNC_PROFILE_FIELDS is from-auth but the database holds editable");
    }

    /** A Google user who edited name and avatar as themselves, and their own columns; the row as the pipeline wrote it first. */
    private static UUID editedUser(String email) throws Exception {
        String name = Character.toUpperCase(email.charAt(0)) + email.substring(1, email.indexOf('@')) + " from Google";
        UUID id = signUpWithGoogle(email, name, "https://lh3.example.com/" + id(email) + ".png");
        asUser(id, "update public.users set full_name = 'Edited', avatar_url = 'https://cdn.example.com/edited.png',"
                + " bio = '" + BIO + "', website = '" + WEBSITE + "' where id = '" + id + "'");
        return id;
    }

    private static String id(String email) {
        return email.substring(0, email.indexOf('@'));
    }

    private static void assertEdited(UUID id) throws SQLException {
        assertEditedProfileFields(id);
        assertAppColumnsUntouched(id);
    }

    private static void assertEditedProfileFields(UUID id) throws SQLException {
        assertThat(column(id, "full_name")).isEqualTo("Edited");
        assertThat(column(id, "avatar_url")).isEqualTo("https://cdn.example.com/edited.png");
    }

    /** A row the pipeline inserted again after a truncate: the app's columns hold their defaults, not a value of its own. */
    private static void assertAppColumnsNeverWritten(UUID id) throws SQLException {
        assertThat(column(id, "bio")).isNull();
        assertThat(column(id, "website")).isEqualTo("https://example.org");
    }

    private static void assertAppColumnsUntouched(UUID id) throws SQLException {
        assertThat(column(id, "bio")).isEqualTo(BIO);
        assertThat(column(id, "website")).isEqualTo(WEBSITE);
    }

    private static Application startDeployment(Map<String, String> more) throws Exception {
        return Application.start(ConfigLoader.load(environment(more), Map.of()));
    }

    private static Map<String, String> environment(Map<String, String> more) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of(
                "USERSYNC_DB_URL", database.jdbcUrl(),
                "USERSYNC_DB_USER", database.user(),
                "USERSYNC_DB_PASSWORD", database.password(),
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "USERSYNC_DATA_DIR", Files.createTempDirectory("usersync-ownership-it-" + deployments++).toString(),
                "USERSYNC_HTTP_PORT", "0",
                "USERSYNC_PARTITIONS", "1",
                "USERSYNC_RECONCILE_INTERVAL_S", "0"));
        environment.putAll(more);
        return environment;
    }

    /** Signs up with Google's metadata shape and waits for the row. */
    private static UUID signUpWithGoogle(String email, String name, String picture) throws Exception {
        UUID id = new AuthUsersTable(database).signUpWithGoogle(email, name, picture);
        await().atMost(AT_MOST).until(() -> name.equals(column(id, "full_name")));
        return id;
    }

    /** What GoTrue writes at every sign-in: the time, and the provider's claims again. */
    private static void signIn(UUID id, String name, String picture) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement("update auth.users set"
                + " last_sign_in_at = now(), updated_at = now(), raw_user_meta_data = jsonb_build_object('full_name',"
                + " ?::text, 'avatar_url', ?::text) where id = ?")) {
            s.setString(1, name);
            s.setString(2, picture);
            s.setObject(3, id);
            s.executeUpdate();
        }
    }

    private static void awaitSignInSynced(UUID id) {
        await().atMost(AT_MOST).until(() -> column(id, "last_sign_in_at") != null);
    }

    private static void asUser(UUID id, String sql) throws SQLException {
        database.executeAsUser(id, sql);
    }

    private static void asServiceRole(String sql) throws SQLException {
        asRole("service_role", sql);
    }

    private static void asRole(String role, String sql) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("set role " + role);
            s.execute(sql);
        }
    }

    private static void execute(String... sql) throws SQLException {
        database.execute(sql);
    }

    private static String column(UUID id, String expression) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(
                "select " + expression + " from public.users where id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static List<DeadLetterRecord> deadLetters(DeadLetterReader reader, UUID id) {
        return reader.readAll().stream().filter(letter -> id.toString().equals(letter.key())).toList();
    }
}
