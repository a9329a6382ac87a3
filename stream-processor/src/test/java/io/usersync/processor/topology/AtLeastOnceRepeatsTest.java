package io.usersync.processor.topology;

import static io.usersync.processor.topology.ChangeEvents.nextLsn;
import static io.usersync.processor.topology.ChangeEvents.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.usersync.processor.ProcessorConfig.Guarantee;
import io.usersync.schemas.cdc.AuthUserRow;
import io.usersync.schemas.profile.UserEvent;
import io.usersync.schemas.profile.UserProfile;

/**
 * At least once, a crash can leave a user's state in Kafka without the outputs it sent: the change then comes again
 * with the state already at it. Each test stores what the crash left (the state, its outputs read and dropped) and
 * sends the change again, with one partition (every claim decided in the task) and with eight (most claims through
 * the claims and assignments topics).
 */
class AtLeastOnceRepeatsTest {

    private static final String EMAIL_APP = "{\"provider\":\"email\",\"providers\":[\"email\"]}";

    private TopologyFixture fixture;

    @AfterEach
    void close() {
        fixture.close();
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 8})
    void shouldSendTheProfileAndEventOfAChangeThatComesAgain(int partitions) {
        fixture = new TopologyFixture(false, partitions, Guarantee.AT_LEAST_ONCE);
        String id = UUID.randomUUID().toString();
        String change = row(id).email("ada@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn());
        fixture.send(id, change);
        List<UserProfile> first = fixture.readProfiles();
        List<UserEvent> firstEvents = events();

        fixture.send(id, change);

        assertThat(first).hasSize(1);
        assertThat(fixture.readProfiles()).containsExactlyElementsOf(first);
        assertThat(events()).containsExactlyElementsOf(firstEvents).extracting(UserEvent::type)
                .containsExactly(UserEvent.CREATED);
        assertThat(fixture.counter("usersync.processor.repeated.inputs")).isEqualTo(1);
    }

    /**
     * A crash can bring a task's stores back at different points: the user's state says they hold a username that the
     * username registry lost. The change that comes again gives it back, so a later user with the same base is not
     * given it too (public.users would refuse that user's row).
     */
    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 8})
    void shouldGiveTheRegistryBackAUsernameItLostWhenTheChangeComesAgain(int partitions) {
        fixture = new TopologyFixture(false, partitions, Guarantee.AT_LEAST_ONCE);
        String first = UUID.randomUUID().toString();
        String change = row(first).email("ada@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn());
        fixture.send(first, change);
        assertThat(fixture.readProfiles()).extracting(UserProfile::username).containsExactly("ada");
        fixture.usernames().delete("ada");

        fixture.send(first, change);
        String second = UUID.randomUUID().toString();
        fixture.send(second, row(second).email("ada@example.org").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));

        assertThat(fixture.readProfiles()).filteredOn(profile -> profile.id().equals(second))
                .extracting(UserProfile::username).containsExactly("ada2");
        assertThat(fixture.usernames().get("ada")).isEqualTo(first);
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 8})
    void shouldSendTheUpdatedEventWithItsChangedFieldsAgain(int partitions) {
        fixture = new TopologyFixture(false, partitions, Guarantee.AT_LEAST_ONCE);
        String id = UUID.randomUUID().toString();
        fixture.send(id, row(id).email("ada@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));
        String update = row(id).email("ada@example.com").userMeta("{\"full_name\":\"Ada Lovelace\"}").appMeta(EMAIL_APP)
                .update(nextLsn());
        fixture.send(id, update);
        fixture.readProfiles();
        List<UserEvent> sent = events();

        fixture.send(id, update);

        assertThat(events()).containsExactly(sent.get(sent.size() - 1)).first()
                .satisfies(event -> assertThat(event.changedFields()).containsExactly("full_name"));
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 8})
    void shouldClaimAgainForAChangeWhoseClaimWasLost(int partitions) {
        fixture = new TopologyFixture(false, partitions, Guarantee.AT_LEAST_ONCE);
        String id = UUID.randomUUID().toString();
        long lsn = nextLsn();
        String change = row(id).email("grace@example.com").userMeta("{}").appMeta(EMAIL_APP).create(lsn);
        // What a crash after the state was stored, before the claim reached Kafka, leaves.
        fixture.send(UUID.randomUUID().toString(), change.replace(id, UUID.randomUUID().toString()));
        fixture.readProfiles();
        AuthUserRow row = new AuthUserRow(id, "grace@example.com", null, EMAIL_APP, "{}", null, null, null,
                "2026-11-01T10:00:00Z", "2026-11-01T10:00:00Z", null, false, false);
        fixture.userStates().put(id, UserState.awaitingUsername(lsn, 0, row, false, false));

        fixture.send(id, change);

        assertThat(fixture.readProfiles()).singleElement()
                .satisfies(profile -> assertThat(profile.username()).isEqualTo("grace2"));
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 8})
    void shouldReleaseAgainAndSendTheTombstoneAndEventOfADeleteThatComesAgain(int partitions) {
        fixture = new TopologyFixture(false, partitions, Guarantee.AT_LEAST_ONCE);
        String id = UUID.randomUUID().toString();
        fixture.send(id, row(id).email("ada@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));
        String delete = row(id).email("ada@example.com").delete(nextLsn());
        fixture.send(id, delete);
        fixture.readProfiles();
        events();
        // The release did not reach the usernames' changelog before the crash.
        fixture.usernames().put("ada", id);

        fixture.send(id, delete);

        assertThat(fixture.profiles.readRecordsToList()).singleElement()
                .satisfies(tombstone -> assertThat(tombstone.value()).isNull());
        assertThat(events()).extracting(UserEvent::type).containsExactly(UserEvent.DELETED);
        assertThat(fixture.usernames().get("ada")).isNull();
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 8})
    void shouldSendTheProfileAgainForAnAssignmentThatComesAgain(int partitions) {
        fixture = new TopologyFixture(false, partitions, Guarantee.AT_LEAST_ONCE);
        String id = UUID.randomUUID().toString();
        fixture.send(id, row(id).email("ada@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));
        List<UserProfile> first = fixture.readProfiles();
        events();
        Topics.Topic<String, UsernameAssignment> topic = Topics.of(fixture.config).assignments();
        TestInputTopic<String, UsernameAssignment> assignments = fixture.driver.createInputTopic(topic.name(),
                topic.keySerde().serializer(), topic.valueSerde().serializer());

        assignments.pipeInput(id, UsernameAssignment.claimed("ada"));

        assertThat(fixture.readProfiles()).containsExactlyElementsOf(first);
        assertThat(events()).extracting(UserEvent::type).containsExactly(UserEvent.CREATED);
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 8})
    void shouldKeepTheUsernameItSentWhenItsClaimIsAnsweredAgainWithAnotherName(int partitions) {
        fixture = new TopologyFixture(false, partitions, Guarantee.AT_LEAST_ONCE);
        String id = UUID.randomUUID().toString();
        fixture.send(id, row(id).email("ada@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));
        fixture.readProfiles();
        events();
        // After a crash the registry's stores came back at different points: the owner of "ada" lost, and the claim,
        // given again, answered with the next free name.
        fixture.usernames().delete("ada");
        fixture.usernames().put("ada2", id);
        Topics.Topic<String, UsernameAssignment> topic = Topics.of(fixture.config).assignments();
        TestInputTopic<String, UsernameAssignment> assignments = fixture.driver.createInputTopic(topic.name(),
                topic.keySerde().serializer(), topic.valueSerde().serializer());

        assignments.pipeInput(id, UsernameAssignment.claimed("ada2"));

        assertThat(fixture.readProfiles()).extracting(UserProfile::username).doesNotContain("ada2");
        assertThat(events()).extracting(UserEvent::type).doesNotContain(UserEvent.UPDATED);
        assertThat(fixture.usernames().get("ada")).isEqualTo(id);
        assertThat(fixture.usernames().get("ada2")).isNull();
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 8})
    void shouldAdoptAUsernameReservedOutsideThePipeline(int partitions) {
        fixture = new TopologyFixture(false, partitions, Guarantee.AT_LEAST_ONCE);
        String id = UUID.randomUUID().toString();
        fixture.send(id, row(id).email("ada@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));
        fixture.readProfiles();
        events();
        Topics.Topic<String, UsernameAssignment> topic = Topics.of(fixture.config).assignments();
        TestInputTopic<String, UsernameAssignment> assignments = fixture.driver.createInputTopic(topic.name(),
                topic.keySerde().serializer(), topic.valueSerde().serializer());

        assignments.pipeInput(id, UsernameAssignment.reserved("countess"));

        assertThat(fixture.readProfiles()).extracting(UserProfile::username).containsExactly("countess");
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 8})
    void shouldIgnoreAChangeThatComesAgainExactlyOnce(int partitions) {
        fixture = new TopologyFixture(false, partitions, Guarantee.EXACTLY_ONCE);
        String id = UUID.randomUUID().toString();
        String change = row(id).email("ada@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn());
        fixture.send(id, change);
        fixture.readProfiles();
        events();

        fixture.send(id, change);

        assertThat(fixture.readProfiles()).isEmpty();
        assertThat(events()).isEmpty();
        assertThat(fixture.counter("usersync.processor.stale.changes")).isEqualTo(1);
    }

    private List<UserEvent> events() {
        return fixture.events.readRecordsToList().stream().map(TestRecord::value).toList();
    }
}
