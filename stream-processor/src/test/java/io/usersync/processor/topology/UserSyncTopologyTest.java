package io.usersync.processor.topology;

import static io.usersync.processor.topology.ChangeEvents.nextLsn;
import static io.usersync.processor.topology.ChangeEvents.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.usersync.processor.normalize.ProfileNormalizer;
import io.usersync.processor.username.UsernameRegistry;
import io.usersync.schemas.cdc.AuthUserRow;
import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.profile.ProfileHeaders;
import io.usersync.schemas.profile.UserEvent;
import io.usersync.schemas.profile.UserProfile;

class UserSyncTopologyTest {

    private static final String GOOGLE_APP = "{\"provider\":\"google\",\"providers\":[\"google\"]}";
    private static final String EMAIL_APP = "{\"provider\":\"email\",\"providers\":[\"email\"]}";

    private final TopologyFixture fixture = fixture(false);

    /** The topology of the task under test; with one partition it owns every username root. */
    TopologyFixture fixture(boolean keepReleasedUsernames) {
        return new TopologyFixture(keepReleasedUsernames, 1);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    private String signUp(String email) {
        String id = id();
        fixture.send(id, row(id).email(email).userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));
        return id;
    }

    private String signUpAnonymously() {
        String id = id();
        fixture.send(id, row(id).anonymous().userMeta("{}").appMeta("{}").create(nextLsn()));
        return id;
    }

    private UserProfile onlyProfile() {
        List<UserProfile> profiles = fixture.readProfiles();
        assertThat(profiles).hasSize(1);
        return profiles.get(0);
    }

    @Test
    void shouldPublishAGoogleUserWithNameAvatarAndUsernameFromEmail() {
        String id = id();
        fixture.send(id, row(id).email("Ada.Lovelace@gmail.com").confirmed()
                .userMeta("{\"name\":\"Ada Lovelace\",\"picture\":\"https://lh3.googleusercontent.com/a/x\"}")
                .appMeta(GOOGLE_APP).create(nextLsn()));

        UserProfile profile = onlyProfile();
        assertThat(profile.id()).isEqualTo(id);
        assertThat(profile.username()).isEqualTo("ada_lovelace");
        assertThat(profile.fullName()).isEqualTo("Ada Lovelace");
        assertThat(profile.avatarUrl()).isEqualTo("https://lh3.googleusercontent.com/a/x");
        assertThat(profile.emailVerified()).isTrue();
        assertThat(profile.provider()).isEqualTo("google");
    }

    @Test
    void shouldPublishAGithubUserNamedFromUserName() {
        String id = id();
        fixture.send(id, row(id).email("octo+gh@example.com")
                .userMeta("{\"user_name\":\"octocat\",\"avatar_url\":\"https://avatars.githubusercontent.com/u/1\"}")
                .appMeta("{\"provider\":\"github\",\"providers\":[\"github\"]}").create(nextLsn()));

        UserProfile profile = onlyProfile();
        assertThat(profile.username()).isEqualTo("octo");
        assertThat(profile.fullName()).isEqualTo("octocat");
        assertThat(profile.provider()).isEqualTo("github");
    }

    @Test
    void shouldPublishAnEmailOnlyUserWithoutName() {
        signUp("plain.person@example.com");

        UserProfile profile = onlyProfile();
        assertThat(profile.username()).isEqualTo("plain_person");
        assertThat(profile.fullName()).isNull();
        assertThat(profile.emailVerified()).isFalse();
    }

    @Test
    void shouldNamePhoneOnlyUsersFromTheirNameOrUser() {
        String named = id();
        fixture.send(named, row(named).phone("15555550100").userMeta("{\"full_name\":\"Phone Person\"}")
                .appMeta("{\"provider\":\"phone\"}").create(nextLsn()));
        String unnamed = id();
        fixture.send(unnamed, row(unnamed).phone("15555550101").userMeta("{}").appMeta("{\"provider\":\"phone\"}")
                .create(nextLsn()));

        List<UserProfile> profiles = fixture.readProfiles();
        assertThat(profiles).extracting(UserProfile::username).containsExactly("phone_person", "user");
        assertThat(profiles).extracting(UserProfile::email).containsOnlyNulls();
    }

    @Test
    void shouldPublishAnAnonymousUserWithoutEmail() {
        String id = id();
        fixture.send(id, row(id).anonymous().userMeta("{}").appMeta("{}").create(nextLsn()));

        UserProfile profile = onlyProfile();
        assertThat(profile.isAnonymous()).isTrue();
        assertThat(profile.email()).isNull();
        assertThat(profile.username()).isEqualTo("user");
    }

    @Test
    void shouldSurviveMetadataOfWrongTypesAndHugeNames() {
        String id = id();
        String huge = "\u202e\u200b" + "n".repeat(100_000);
        fixture.send(id, row(id).email("odd@example.com")
                .userMeta("{\"full_name\":[1,2],\"name\":{\"x\":1},\"user_name\":\"" + huge + "\",\"picture\":42}")
                .appMeta("{\"provider\":[\"google\"],\"providers\":{\"a\":1}}").create(nextLsn()));

        UserProfile profile = onlyProfile();
        assertThat(profile.fullName()).isEqualTo("n".repeat(256));
        assertThat(profile.avatarUrl()).isNull();
        assertThat(profile.provider()).isNull();
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldGiveAliceAliceAndAliceTheUsernamesAliceAlice2AndAlice3() {
        signUp("alice@example.com");
        signUp("Alice@example.org");
        signUp("alice+x@example.net");

        assertThat(fixture.readProfiles()).extracting(UserProfile::username).containsExactly("alice", "alice2", "alice3");
        assertThat(fixture.counter("usersync.processor.username.collisions")).isEqualTo(2);
    }

    @Test
    void shouldSkipAUsernameSeededAsTaken() {
        fixture.usernames().put("alice", id());

        signUp("alice@example.com");

        assertThat(onlyProfile().username()).isEqualTo("alice2");
    }

    @Test
    void shouldNeverGiveAReservedWordAlone() {
        signUp("admin@example.com");
        signUp("root@example.com");

        assertThat(fixture.readProfiles()).extracting(UserProfile::username).containsExactly("admin2", "root2");
    }

    @Test
    void shouldKeepTheUsernameThroughAnEmailChange() {
        String id = id();
        fixture.send(id, row(id).email("alice@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));
        fixture.send(id, row(id).email("zed@example.com").userMeta("{}").appMeta(EMAIL_APP).update(nextLsn()));
        String other = signUp("alice@example.com");

        List<TestRecord<String, UserProfile>> records = fixture.profiles.readRecordsToList();
        assertThat(records).extracting(r -> r.value().username()).containsExactly("alice", "alice", "alice2");
        assertThat(records.get(1).value().email()).isEqualTo("zed@example.com");
        assertThat(records.get(2).key()).isEqualTo(other);
    }

    @Test
    void shouldPublishNothingForAnUpdateWithoutVisibleChange() {
        String id = id();
        fixture.send(id, row(id).email("quiet@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));
        fixture.readProfiles();
        fixture.events.readRecordsToList();

        fixture.send(id, row(id).email("quiet@example.com").userMeta("{}").appMeta(EMAIL_APP)
                .updatedAt("2026-11-05T00:00:00Z").set("recovery_token", "secret").update(nextLsn()));

        assertThat(fixture.profiles.isEmpty()).isTrue();
        assertThat(fixture.events.isEmpty()).isTrue();
    }

    @Test
    void shouldPublishAnUpdatedEventNamingTheChangedFields() {
        String id = id();
        fixture.send(id, row(id).email("ev@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));
        fixture.send(id, row(id).email("ev@example.com").userMeta("{\"full_name\":\"Eve\"}").appMeta(EMAIL_APP).confirmed()
                .update(nextLsn()));

        List<UserEvent> events = fixture.events.readValuesToList();
        assertThat(events).extracting(UserEvent::type).containsExactly(UserEvent.CREATED, UserEvent.UPDATED);
        assertThat(events.get(1).changedFields()).containsExactly("full_name", "email_verified");
        assertThat(events.get(1).profile().fullName()).isEqualTo("Eve");
    }

    @Test
    void shouldIgnoreAnOlderUpdateArrivingAfterANewerOne() {
        String id = id();
        long created = nextLsn();
        long older = nextLsn();
        long newer = nextLsn();
        fixture.send(id, row(id).email("o@example.com").userMeta("{}").appMeta(EMAIL_APP).create(created));
        fixture.send(id, row(id).email("o@example.com").userMeta("{\"name\":\"New\"}").appMeta(EMAIL_APP).update(newer));
        fixture.send(id, row(id).email("o@example.com").userMeta("{\"name\":\"Old\"}").appMeta(EMAIL_APP).update(older));

        List<UserProfile> profiles = fixture.readProfiles();
        assertThat(profiles).extracting(UserProfile::fullName).containsExactly(null, "New");
        assertThat(profiles.get(1).sourceLsn()).isEqualTo(newer);
        assertThat(fixture.counter("usersync.processor.stale.changes")).isEqualTo(1);
    }

    /**
     * A transaction begun before a new replication slot's consistent point and committed after it: the slot's snapshot
     * does not hold it, and the slot streams its changes at their own LSNs, below the snapshot's. Each change of the
     * transaction, however many, is newer than the snapshot's row; the next transaction's is newer still.
     */
    @Test
    void shouldApplyTheChangesOfATransactionThatStraddlesASlotSnapshotThoughTheirLsnsAreBelowIt() {
        String id = id();
        long created = nextLsn();
        long straddlerFirst = nextLsn();
        long straddlerSecond = nextLsn();
        long snapshot = nextLsn();
        fixture.send(id, row(id).email("s@example.com").userMeta("{}").appMeta(EMAIL_APP).create(created));
        fixture.send(id, row(id).email("s@example.com").userMeta("{}").appMeta(EMAIL_APP).read(snapshot));
        fixture.send(id, row(id).email("s@example.com").userMeta("{\"name\":\"First\"}").appMeta(EMAIL_APP)
                .update(straddlerFirst));
        fixture.send(id, row(id).email("s@example.com").userMeta("{\"name\":\"Second\"}").appMeta(EMAIL_APP)
                .update(straddlerSecond));
        long next = nextLsn();
        fixture.send(id, row(id).email("s@example.com").userMeta("{\"name\":\"Next\"}").appMeta(EMAIL_APP).update(next));

        List<UserProfile> profiles = fixture.readProfiles();
        assertThat(profiles).extracting(UserProfile::fullName).containsExactly(null, null, "First", "Second", "Next");
        assertThat(profiles).extracting(UserProfile::sourceLsn).containsExactly(created, snapshot, snapshot + 1,
                snapshot + 2, next);
        assertThat(fixture.counter("usersync.processor.changes.across.slot.snapshots")).isEqualTo(2);
        assertThat(fixture.counter("usersync.processor.stale.changes")).isZero();
        assertThat(fixture.userStates().get(id).slotSnapshot()).isFalse();
    }

    @Test
    void shouldDeleteAUserWhoseDeleteStraddlesASlotSnapshotJustAfterTheSnapshotsRow() {
        String id = signUp("gone.straddling@example.com");
        long delete = nextLsn();
        long snapshot = nextLsn();
        fixture.send(id, row(id).email("gone.straddling@example.com").userMeta("{}").appMeta(EMAIL_APP).read(snapshot));
        fixture.profiles.readRecordsToList();

        fixture.send(id, row(id).delete(delete));

        List<TestRecord<String, UserProfile>> profiles = fixture.profiles.readRecordsToList();
        assertThat(profiles).hasSize(1);
        assertThat(profiles.get(0).value()).isNull();
        assertThat(header(profiles.get(0).headers(), ProfileHeaders.SOURCE_LSN)).isEqualTo(Long.toString(snapshot + 1));
        assertThat(fixture.userStates().get(id).deleted()).isTrue();
    }

    /** An incremental snapshot's row is ordered by its stream position: an older change after it is a replay. */
    @Test
    void shouldStillIgnoreAnOlderChangeAfterARowOfAnIncrementalSnapshot() {
        String id = id();
        long created = nextLsn();
        long older = nextLsn();
        long position = nextLsn();
        fixture.send(id, row(id).email("i@example.com").userMeta("{}").appMeta(EMAIL_APP).create(created));
        fixture.send(id, row(id).email("i@example.com").userMeta("{\"name\":\"Read\"}").appMeta(EMAIL_APP)
                .incrementalRead(position));
        fixture.send(id, row(id).email("i@example.com").userMeta("{\"name\":\"Old\"}").appMeta(EMAIL_APP).update(older));

        assertThat(fixture.readProfiles()).extracting(UserProfile::fullName).containsExactly(null, "Read");
        assertThat(fixture.counter("usersync.processor.stale.changes")).isEqualTo(1);
        assertThat(fixture.counter("usersync.processor.changes.across.slot.snapshots")).isZero();
    }

    @Test
    void shouldPublishATombstoneAndDeletedEventOnHardDelete() {
        String id = signUp("gone@example.com");
        long deleteLsn = nextLsn();
        fixture.send(id, row(id).delete(deleteLsn));

        List<TestRecord<String, UserProfile>> profiles = fixture.profiles.readRecordsToList();
        assertThat(profiles).hasSize(2);
        assertThat(profiles.get(1).key()).isEqualTo(id);
        assertThat(profiles.get(1).value()).isNull();
        assertThat(header(profiles.get(1).headers(), ProfileHeaders.SOURCE_LSN)).isEqualTo(Long.toString(deleteLsn));
        assertThat(fixture.events.readValuesToList()).extracting(UserEvent::type)
                .containsExactly(UserEvent.CREATED, UserEvent.DELETED);
    }

    @Test
    void shouldTreatASoftDeleteAsADelete() {
        String id = signUp("soft@example.com");
        fixture.send(id, row(id).email("soft@example.com").userMeta("{}").appMeta(EMAIL_APP)
                .deletedAt("2026-11-05T00:00:00Z").update(nextLsn()));

        List<TestRecord<String, UserProfile>> profiles = fixture.profiles.readRecordsToList();
        assertThat(profiles.get(profiles.size() - 1).value()).isNull();
        assertThat(fixture.events.readValuesToList()).extracting(UserEvent::type).endsWith(UserEvent.DELETED);
    }

    @Test
    void shouldGiveTheUsernameBackOnDeleteSoARecreatedUserGetsItAgain() {
        String first = signUp("alice@example.com");
        fixture.send(first, row(first).delete(nextLsn()));
        signUp("alice@example.com");

        List<UserProfile> profiles = fixture.readProfiles();
        assertThat(profiles.get(profiles.size() - 1).username()).isEqualTo("alice");
    }

    @Test
    void shouldGiveTheNumberedUsernameOfADeletedAnonymousUserToTheNextOne() {
        signUpAnonymously();
        String second = signUpAnonymously();
        signUpAnonymously();
        fixture.send(second, row(second).delete(nextLsn()));

        signUpAnonymously();

        List<UserProfile> profiles = fixture.readProfiles();
        assertThat(profiles.get(profiles.size() - 1).username()).isEqualTo("user2");
    }

    @Test
    void shouldKeepADeletedUsersUsernameReservedWhenConfiguredButNotWhoHeldIt() {
        try (TopologyFixture keeping = fixture(true)) {
            String first = id();
            keeping.send(first, row(first).email("alice@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));
            keeping.send(first, row(first).delete(nextLsn()));
            String second = id();
            keeping.send(second, row(second).email("alice@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));

            List<UserProfile> profiles = keeping.readProfiles();
            assertThat(profiles.get(profiles.size() - 1).username()).isEqualTo("alice2");
            assertThat(keeping.usernames().get("alice")).isEqualTo(UsernameRegistry.NOBODY);
        }
    }

    @Test
    void shouldForgetTheUsernameADeleteReleasedOnceAnEighthOfTheErasureBoundHasPassed() {
        String id = signUp("alice@example.com");
        long deleteLsn = nextLsn();
        fixture.send(id, row(id).delete(deleteLsn));
        // Kept a while, to be released again if the delete comes again after a crash.
        assertThat(fixture.userStates().get(id).username()).isEqualTo("alice");

        fixture.driver.advanceWallClockTime(fixture.config.erasureBound().bound().dividedBy(8));

        UserState state = fixture.userStates().get(id);
        assertThat(state.username()).isNull();
        assertThat(state.deleted()).isTrue();
        assertThat(state.lsn()).isEqualTo(deleteLsn);
        // Still deleted for good: an older change does not bring the user back.
        fixture.profiles.readRecordsToList();
        fixture.send(id, row(id).email("alice@example.com").userMeta("{}").appMeta(EMAIL_APP).update(deleteLsn - 1));
        assertThat(fixture.profiles.isEmpty()).isTrue();
    }

    @Test
    void shouldReplaceAnUnavailablePlaceholderWithTheLastKnownValue() {
        String id = id();
        fixture.send(id, row(id).email("toast@example.com").userMeta("{\"full_name\":\"Toast Person\"}")
                .appMeta(EMAIL_APP).create(nextLsn()));
        fixture.send(id, row(id).email("toast@example.com").userMeta(AuthUserRow.UNAVAILABLE_VALUE)
                .appMeta(AuthUserRow.UNAVAILABLE_VALUE).confirmed().update(nextLsn()));

        List<UserProfile> profiles = fixture.readProfiles();
        assertThat(profiles).hasSize(2);
        assertThat(profiles.get(1).fullName()).isEqualTo("Toast Person");
        assertThat(profiles.get(1).provider()).isEqualTo("email");
        assertThat(profiles.get(1).emailVerified()).isTrue();
    }

    @Test
    void shouldAlwaysPublishAResyncEvenWhenNothingChanged() {
        String id = id();
        fixture.send(id, row(id).email("re@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));
        fixture.readProfiles();
        fixture.events.readRecordsToList();

        fixture.send(id, row(id).email("re@example.com").userMeta("{}").appMeta(EMAIL_APP).read(nextLsn()));

        UserProfile profile = onlyProfile();
        assertThat(profile.resync()).isTrue();
        assertThat(profile.username()).isEqualTo("user");
        assertThat(fixture.events.isEmpty()).isTrue();
    }

    @Test
    void shouldRewriteAUserReadByAnIncrementalSnapshotOrderedByItsSequence() {
        String id = id();
        fixture.send(id, row(id).email("inc@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));
        fixture.readProfiles();
        long position = nextLsn();

        fixture.send(id, row(id).email("inc@example.com").userMeta("{}").appMeta(EMAIL_APP).incrementalRead(position));

        UserProfile profile = onlyProfile();
        assertThat(profile.resync()).isTrue();
        assertThat(profile.sourceLsn()).isEqualTo(position);
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepTheUsernameFromTheProfilesTopicInAFreshDeployment() {
        String id = id();
        fixture.existingProfiles.pipeInput(id, new UserProfile(id, "bob@example.com", "bob7", null, null, "email",
                List.of("email"), false, false, null, null, null, 5, 5, false));
        signUp("bob@example.com");

        fixture.send(id, row(id).email("bob@example.com").userMeta("{}").appMeta(EMAIL_APP).read(nextLsn()));

        List<TestRecord<String, UserProfile>> profiles = fixture.profiles.readRecordsToList();
        assertThat(profiles.get(profiles.size() - 1).key()).isEqualTo(id);
        assertThat(profiles.get(profiles.size() - 1).value().username()).isEqualTo("bob7");
        assertThat(profiles.get(0).value().username()).isEqualTo("bob");
    }

    @Test
    void shouldKeepAUsernameAnEarlierRuleGaveWhenAFreshDeploymentReplaysTheUser() {
        String id = id();
        fixture.existingProfiles.pipeInput(id, new UserProfile(id, "plain.jane@example.com", "plainjane", null, null,
                "email", List.of("email"), false, false, null, null, null, 5, 5, false));

        fixture.send(id, row(id).email("plain.jane@example.com").userMeta("{}").appMeta(EMAIL_APP).read(nextLsn()));
        String newcomer = signUp("plain.jane@example.org");

        List<TestRecord<String, UserProfile>> profiles = fixture.profiles.readRecordsToList();
        assertThat(profiles).extracting(TestRecord::key).containsExactly(id, newcomer);
        assertThat(profiles).extracting(r -> r.value().username()).containsExactly("plainjane", "plain_jane");
    }

    @Test
    void shouldKeepAUsernameAnEarlierRuleGaveThroughLaterChangesAndResyncs() {
        String id = id();
        long lsn = nextLsn();
        AuthUserRow row = new AuthUserRow(id, "plain.jane@example.com", null, EMAIL_APP, "{}", null, null, null,
                "2026-11-01T10:00:00.000000Z", "2026-11-01T10:00:00.000000Z", null, false, false);
        UserProfile given = ProfileNormalizer.normalize(row).withUsername("plainjane", lsn, 5, false);
        fixture.usernames().put("plainjane", id);
        fixture.userStates().put(id, UserState.published(lsn, 5, row, given, false, SentOutputs.NOTHING));

        fixture.send(id, row(id).email("plain.jane@example.com").userMeta("{\"full_name\":\"Jane\"}").appMeta(EMAIL_APP)
                .update(nextLsn()));
        fixture.send(id, row(id).email("plain.jane@example.com").userMeta("{\"full_name\":\"Jane\"}").appMeta(EMAIL_APP)
                .read(nextLsn()));

        assertThat(fixture.readProfiles()).extracting(UserProfile::username).containsExactly("plainjane", "plainjane");
    }

    @Test
    void shouldNeverHandOutAUsernameAlreadyInPublicUsers() {
        String owner = id();
        fixture.reservations.pipeInput(owner, ChangeEvents.bytes("{\"op\":\"r\",\"before\":null,\"after\":{\"id\":\""
                + owner + "\",\"username\":\"carol\"},\"source\":{\"lsn\":1}}"));

        signUp("carol@example.com");

        assertThat(onlyProfile().username()).isEqualTo("carol2");
    }

    @Test
    void shouldGiveAUserTheUsernameReservedForThemBeforeTheirFirstChange() {
        String id = id();
        fixture.reservations.pipeInput(id, ChangeEvents.bytes("{\"op\":\"r\",\"before\":null,\"after\":{\"id\":\""
                + id + "\",\"username\":\"erin_legacy\"},\"source\":{\"lsn\":1}}"));

        fixture.send(id, row(id).email("erin@example.com").userMeta("{}").appMeta(EMAIL_APP).read(nextLsn()));

        assertThat(onlyProfile().username()).isEqualTo("erin_legacy");
        assertThat(fixture.events.readValuesToList()).extracting(UserEvent::type).containsExactly(UserEvent.CREATED);
    }

    @Test
    void shouldAdoptAUsernameTheApplicationSet() {
        String id = signUp("dave@example.com");
        fixture.readProfiles();
        fixture.reservations.pipeInput(id, ChangeEvents.bytes("{\"op\":\"u\",\"before\":null,\"after\":{\"id\":\""
                + id + "\",\"username\":\"captain\"},\"source\":{\"lsn\":9}}"));
        signUp("dave@example.org");

        List<UserProfile> profiles = fixture.readProfiles();
        assertThat(profiles).extracting(UserProfile::username).containsExactly("captain", "dave");
    }

    @Test
    void shouldAdoptAUsernameTheApplicationSetWhenItIsAnnounced() {
        String id = signUp("frank@example.com");
        fixture.readProfiles();
        fixture.reservations.pipeInput("usersync.username", announcement("{\"id\":\"" + id + "\",\"username\":\"Skipper\"}"));
        signUp("skipper@example.org");

        List<UserProfile> profiles = fixture.readProfiles();
        assertThat(profiles).extracting(UserProfile::username).containsExactly("skipper", "skipper2");
        assertThat(profiles.get(0).id()).isEqualTo(id);
    }

    @Test
    void shouldSendAnAnnouncementThatNamesNoUserToTheDeadLetterTopic() {
        byte[] notJson = announcement("not json");
        fixture.reservations.pipeInput("usersync.username", notJson);
        fixture.reservations.pipeInput("usersync.username", announcement("{\"username\":\"ghost\"}"));

        List<TestRecord<String, byte[]>> deadLetters = fixture.deadLetters.readRecordsToList();
        assertThat(deadLetters).extracting(record -> header(record.headers(), DeadLetterHeaders.REASON))
                .containsExactly("not-a-change-event", "missing-id");
        assertThat(deadLetters.get(0).value()).isEqualTo(notJson);
        signUp("ghost@example.com");
        assertThat(onlyProfile().username()).isEqualTo("ghost");
    }

    /** A logical decoding message as capture publishes it: Debezium's JSON, the content in base64. */
    private static byte[] announcement(String content) {
        return ChangeEvents.bytes("{\"op\":\"m\",\"ts_ms\":1,\"source\":{\"lsn\":7},\"message\":{\"prefix\":"
                + "\"usersync.username\",\"content\":\""
                + Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8)) + "\"}}");
    }

    @Test
    void shouldSendBytesThatAreNotJsonToTheDeadLetterTopicWithHeaders() {
        byte[] garbage = {0x01, 0x02, (byte) 0xff};
        fixture.cdc.pipeInput("some-key", garbage);

        TestRecord<String, byte[]> deadLetter = fixture.deadLetters.readRecord();
        assertThat(deadLetter.key()).isEqualTo("some-key");
        assertThat(deadLetter.value()).isEqualTo(garbage);
        Headers headers = deadLetter.headers();
        assertThat(header(headers, DeadLetterHeaders.STAGE)).isEqualTo("stream-processor");
        assertThat(header(headers, DeadLetterHeaders.REASON)).isEqualTo("not-json");
        assertThat(header(headers, DeadLetterHeaders.ERROR_CLASS)).contains("Json");
        assertThat(header(headers, DeadLetterHeaders.ERROR_MESSAGE)).isNotBlank();
        assertThat(header(headers, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(fixture.config.cdcTopic());
        assertThat(header(headers, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(headers, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(header(headers, DeadLetterHeaders.TIMESTAMP)).isNotBlank();
        assertThat(fixture.counter("usersync.processor.dead.letters", "reason", "not-json")).isEqualTo(1);
    }

    /** Jackson wraps a syntax error met inside a record's fields in a mapping error: it is still not JSON. */
    @Test
    void shouldSendAChangeEventCutOffInsideItsRowToTheDeadLetterTopicAsNotJson() {
        String id = id();
        String change = row(id).email("cut@example.com").create(nextLsn());
        fixture.cdc.pipeInput(id, ChangeEvents.bytes(change.substring(0, change.indexOf("cut@example.com"))));

        Headers headers = fixture.deadLetters.readRecord().headers();
        assertThat(header(headers, DeadLetterHeaders.REASON)).isEqualTo("not-json");
        assertThat(header(headers, DeadLetterHeaders.ERROR_CLASS)).endsWith("JsonEOFException");
    }

    @Test
    void shouldSendJsonThatIsNotAChangeEventToTheDeadLetterTopic() {
        fixture.cdc.pipeInput("k", ChangeEvents.bytes("{\"hello\":\"world\"}"));

        assertThat(header(fixture.deadLetters.readRecord().headers(), DeadLetterHeaders.REASON)).isEqualTo("not-a-change-event");
    }

    @Test
    void shouldSendAChangeWithoutIdToTheDeadLetterTopic() {
        fixture.cdc.pipeInput("k", ChangeEvents.bytes(row("x").create(nextLsn()).replace("\"id\":\"x\",", "")));

        assertThat(header(fixture.deadLetters.readRecord().headers(), DeadLetterHeaders.REASON)).isEqualTo("missing-id");
    }

    @Test
    void shouldSendUnreadableMetadataToTheDeadLetterTopicAndKeepGoing() {
        String bad = id();
        fixture.send(bad, row(bad).email("bad@example.com").userMeta("{not json").appMeta("{}").create(nextLsn()));
        signUp("good@example.com");

        TestRecord<String, byte[]> deadLetter = fixture.deadLetters.readRecord();
        assertThat(header(deadLetter.headers(), DeadLetterHeaders.REASON)).isEqualTo("unreadable-metadata");
        assertThat(header(deadLetter.headers(), DeadLetterHeaders.ERROR_MESSAGE)).contains("raw_user_meta_data");
        assertThat(header(deadLetter.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(onlyProfile().username()).isEqualTo("good");
    }

    @Test
    void shouldDeleteAUserOnATombstoneAloneWhenTheDeleteWasCompactedAwayBeforeItWasRead() {
        String id = signUp("late@example.com");
        long lastChange = fixture.userStates().get(id).lsn();
        fixture.profiles.readRecordsToList();
        fixture.events.readRecordsToList();

        fixture.cdc.pipeInput(id, (byte[]) null);

        List<TestRecord<String, UserProfile>> profiles = fixture.profiles.readRecordsToList();
        assertThat(profiles).hasSize(1);
        assertThat(profiles.get(0).value()).isNull();
        assertThat(header(profiles.get(0).headers(), ProfileHeaders.SOURCE_LSN)).isEqualTo(Long.toString(lastChange + 1));
        assertThat(fixture.events.readValuesToList()).extracting(UserEvent::type).containsExactly(UserEvent.DELETED);
        assertThat(fixture.userStates().get(id).deleted()).isTrue();
        assertThat(fixture.counter("usersync.processor.deletes.from.tombstones")).isEqualTo(1);
        // Its username is free again.
        assertThat(fixture.usernames().get("late")).isNull();
    }

    @Test
    void shouldDropDebeziumTombstonesSilentlyAfterTheDelete() {
        String id = signUp("t@example.com");
        fixture.send(id, row(id).delete(nextLsn()));
        fixture.cdc.pipeInput(id, (byte[]) null);

        assertThat(fixture.profiles.readRecordsToList()).hasSize(2);
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
        assertThat(fixture.counter("usersync.processor.deletes.from.tombstones")).isZero();
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
