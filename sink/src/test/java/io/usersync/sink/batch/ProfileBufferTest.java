package io.usersync.sink.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.usersync.schemas.profile.UserProfile;

class ProfileBufferTest {

    private static final TopicPartition P0 = new TopicPartition("profiles", 0);
    private static final TopicPartition P1 = new TopicPartition("profiles", 1);

    private final AtomicLong now = new AtomicLong();
    private final ProfileBuffer buffer = new ProfileBuffer(3, Duration.ofMillis(20), now::get);

    private static ProfileWrite upsert(String user, String username, TopicPartition partition, long offset) {
        UserProfile profile = new UserProfile(user, null, username, null, null, null, null, false, false, null, null, null,
                offset, 0, false);
        return new ProfileWrite(user, profile, Long.MAX_VALUE, partition, offset, new byte[0]);
    }

    private static ProfileWrite delete(String user, TopicPartition partition, long offset) {
        return new ProfileWrite(user, null, offset, partition, offset, null);
    }

    @Test
    void shouldFlushWhenItHoldsMaxSizeUsers() {
        buffer.add(upsert("a", "a1", P0, 0));
        buffer.add(upsert("b", "b1", P0, 1));
        assertThat(buffer.shouldFlush()).isFalse();

        buffer.add(upsert("c", "c1", P0, 2));

        assertThat(buffer.shouldFlush()).isTrue();
    }

    @Test
    void shouldFlushWhenTheOldestRecordReachesMaxAge() {
        buffer.add(upsert("a", "a1", P0, 0));
        now.addAndGet(Duration.ofMillis(19).toNanos());
        assertThat(buffer.shouldFlush()).isFalse();
        assertThat(buffer.timeUntilFlush()).isEqualTo(Duration.ofMillis(1));

        now.addAndGet(Duration.ofMillis(1).toNanos());

        assertThat(buffer.shouldFlush()).isTrue();
    }

    /** A partition read again from an earlier offset: nothing read of it may be written or move its offset. */
    @Test
    void shouldForgetEveryWriteAndTheOffsetOfAPartitionItDrops() {
        buffer.add(upsert("a", "a1", P0, 7));
        buffer.add(upsert("b", "b1", P1, 3));
        buffer.add(upsert("c", "c1", P0, 8));

        buffer.drop(P0);

        Batch batch = buffer.drain();
        assertThat(batch.writes()).extracting(ProfileWrite::userId).containsExactly("b");
        assertThat(batch.nextOffsets()).containsOnlyKeys(P1).containsEntry(P1, 4L);
    }

    @Test
    void shouldNotFlushWhenEmptyHoweverLongItWaited() {
        now.addAndGet(Duration.ofSeconds(10).toNanos());

        assertThat(buffer.shouldFlush()).isFalse();
    }

    @Test
    void shouldKeepOnlyTheLatestWritePerUser() {
        buffer.add(upsert("a", "first", P0, 0));
        buffer.add(upsert("b", "b1", P0, 1));
        buffer.add(upsert("a", "second", P0, 2));

        Batch batch = buffer.drain();

        assertThat(batch.writes()).extracting(w -> w.profile().username()).containsExactly("b1", "second");
    }

    @Test
    void shouldKeepTheNewerWriteWhenAnOlderOneArrivesLater() {
        buffer.add(upsert("a", "newer", P0, 9));
        buffer.add(upsert("a", "older", P0, 4));
        buffer.add(delete("a", P1, 2));

        Batch batch = buffer.drain();

        assertThat(batch.writes()).extracting(w -> w.profile().username()).containsExactly("newer");
        assertThat(batch.nextOffsets()).containsEntry(P0, 10L).containsEntry(P1, 3L);
    }

    @Test
    void shouldLetADeleteAfterAnUpsertWin() {
        buffer.add(upsert("a", "a1", P0, 0));
        buffer.add(delete("a", P0, 1));

        List<ProfileWrite> writes = buffer.drain().writes();

        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).isDelete()).isTrue();
    }

    @Test
    void shouldLetAnUpsertAfterADeleteWin() {
        buffer.add(delete("a", P0, 0));
        buffer.add(upsert("a", "again", P0, 1));

        List<ProfileWrite> writes = buffer.drain().writes();

        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).profile().username()).isEqualTo("again");
    }

    @Test
    void shouldMoveEachPartitionsOffsetPastEveryRecordReadIncludingReducedAndSkippedOnes() {
        buffer.add(upsert("a", "a1", P0, 5));
        buffer.add(upsert("a", "a2", P0, 6));
        buffer.markRead(P0, 7);
        buffer.add(upsert("b", "b1", P1, 40));

        Batch batch = buffer.drain();

        assertThat(batch.nextOffsets()).containsEntry(P0, 8L).containsEntry(P1, 41L).hasSize(2);
    }

    @Test
    void shouldBeEmptyAfterDrainAndAfterClear() {
        buffer.add(upsert("a", "a1", P0, 0));
        buffer.drain();
        assertThat(buffer.isEmpty()).isTrue();

        buffer.add(upsert("b", "b1", P0, 1));
        buffer.clear();

        assertThat(buffer.isEmpty()).isTrue();
        assertThat(buffer.drain().writes()).isEmpty();
    }
}
