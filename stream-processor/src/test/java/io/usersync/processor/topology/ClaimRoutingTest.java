package io.usersync.processor.topology;

import static io.usersync.processor.topology.ChangeEvents.nextLsn;
import static io.usersync.processor.topology.ChangeEvents.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import io.usersync.processor.username.UsernameBase;
import io.usersync.schemas.profile.UserProfile;

class ClaimRoutingTest {

    private static final String EMAIL_APP = "{\"provider\":\"email\",\"providers\":[\"email\"]}";
    private static final List<String> LOCAL_PARTS = IntStream.range(0, 40)
            .mapToObj(i -> "name" + (char) ('a' + i / 26) + (char) ('a' + i % 26)).toList();

    @Test
    void shouldDecideEveryClaimInTheTaskWhenItOwnsEveryRoot() {
        try (TopologyFixture fixture = new TopologyFixture(false, 1)) {
            signUpTwice(fixture);

            assertThat(fixture.claims.isEmpty()).isTrue();
            assertUniqueAndNumbered(fixture.readProfiles());
        }
    }

    @Test
    void shouldSendOnlyClaimsForRootsOfOtherPartitionsThroughTheClaimsTopic() {
        try (TopologyFixture fixture = new TopologyFixture(false, 8)) {
            signUpTwice(fixture);

            List<String> claimedRoots = fixture.claims.readRecordsToList().stream().map(TestRecord::key).toList();
            assertThat(claimedRoots).isNotEmpty()
                    .allSatisfy(root -> assertThat(ClaimPartitions.partitionOf(root, 8)).isNotZero());
            assertThat(LOCAL_PARTS.stream().map(UsernameBase::root).filter(root -> ClaimPartitions.partitionOf(root, 8) == 0))
                    .isNotEmpty()
                    .allSatisfy(root -> assertThat(claimedRoots).doesNotContain(root));
            assertUniqueAndNumbered(fixture.readProfiles());
        }
    }

    private static void signUpTwice(TopologyFixture fixture) {
        for (String domain : List.of("example.com", "example.org")) {
            for (String localPart : LOCAL_PARTS) {
                String id = UUID.randomUUID().toString();
                fixture.send(id, row(id).email(localPart + "@" + domain).userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));
            }
        }
    }

    private static void assertUniqueAndNumbered(List<UserProfile> profiles) {
        assertThat(profiles).hasSize(2 * LOCAL_PARTS.size());
        assertThat(profiles).extracting(UserProfile::username).doesNotHaveDuplicates()
                .containsAll(LOCAL_PARTS)
                .containsAll(LOCAL_PARTS.stream().map(name -> name + "2").toList());
    }
}
