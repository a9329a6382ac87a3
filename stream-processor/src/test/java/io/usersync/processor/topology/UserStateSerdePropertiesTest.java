package io.usersync.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import io.usersync.schemas.cdc.AuthUserRow;
import io.usersync.schemas.profile.UserEvent;
import io.usersync.schemas.profile.UserProfile;

class UserStateSerdePropertiesTest {

    private static final String TOPIC = "usersync-processor-user-state-changelog";
    private static final int LONGEST_STRING = 100_000;

    private final Serializer<UserState> serializer = new UserStateSerde().serializer();
    private final Deserializer<UserState> deserializer = new UserStateSerde().deserializer();
    private final Serializer<UserState> legacySerializer = new JsonSerde<>(UserState.class).serializer();

    @Property(tries = 1000)
    void shouldReadBackExactlyTheStateItWrote(@ForAll("states") UserState state) {
        byte[] bytes = serializer.serialize(TOPIC, state);

        assertThat(bytes[0]).isEqualTo((byte) UserStateSerde.VERSION_2);
        assertThat(deserializer.deserialize(TOPIC, bytes)).isEqualTo(state);
    }

    @Property(tries = 300)
    void shouldReadTheJsonThatEarlierReleasesStored(@ForAll("states") UserState state) {
        byte[] json = legacySerializer.serialize(TOPIC, state);

        assertThat(deserializer.deserialize(TOPIC, json)).isEqualTo(state);
    }

    @Property(tries = 300)
    void shouldRejectTheStateCutShort(@ForAll("states") UserState state, @ForAll @IntRange(min = 0) int cut) {
        byte[] bytes = serializer.serialize(TOPIC, state);
        byte[] truncated = Arrays.copyOf(bytes, cut % bytes.length);

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot read UserState from " + TOPIC);
    }

    @Property(tries = 300)
    void shouldRejectTheStateWithBytesAppended(@ForAll("states") UserState state, @ForAll @Size(min = 1, max = 8) List<Byte> extra) {
        byte[] bytes = serializer.serialize(TOPIC, state);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + extra.size());
        for (int i = 0; i < extra.size(); i++) {
            longer[bytes.length + i] = extra.get(i);
        }

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, longer))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unread bytes");
    }

    /** Random bytes after the version byte: read as some state or rejected, never another exception. */
    @Property(tries = 2000)
    void shouldOnlyEverFailWithASerializationException(@ForAll @Size(max = 64) List<Byte> garbage) {
        byte[] bytes = new byte[garbage.size() + 1];
        bytes[0] = UserStateSerde.VERSION_2;
        for (int i = 0; i < garbage.size(); i++) {
            bytes[i + 1] = garbage.get(i);
        }
        try {
            assertThat(deserializer.deserialize(TOPIC, bytes)).isNotNull();
        } catch (SerializationException e) {
            assertThat(e).hasMessageStartingWith("cannot read UserState from " + TOPIC + " (format version 2): ");
        }
    }

    @Provide
    Arbitrary<UserState> states() {
        Arbitrary<UserState> any = Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), rows().injectNull(0.2),
                strings(), Arbitraries.of(true, false).list().ofSize(4), sentOutputs())
                .flatAs((lsn, tsMs, row, username, flags, sent) -> profiles(lsn, tsMs, row, username).injectNull(0.3)
                        .map(profile -> new UserState(lsn, tsMs, row, username, flags.get(0), profile, flags.get(1),
                                flags.get(2), flags.get(3), sent)));
        return Arbitraries.frequencyOf(
                Tuple.of(8, any),
                Tuple.of(1, strings().map(UserState::reserved)),
                Tuple.of(1, Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), strings(), sentOutputs())
                        .as(UserState::deleted)));
    }

    private static Arbitrary<SentOutputs> sentOutputs() {
        return Combinators.combine(Arbitraries.of(true, false),
                        Arbitraries.of(UserEvent.CREATED, UserEvent.UPDATED, UserEvent.DELETED).injectNull(0.3),
                        Arbitraries.of(VisibleChanges.names((1 << 10) - 1)).list().uniqueElements())
                .as((profile, type, changed) -> new SentOutputs(profile, type,
                        VisibleChanges.names(VisibleChanges.mask(changed))));
    }

    private static Arbitrary<AuthUserRow> rows() {
        Arbitrary<Boolean> nullableBoolean = Arbitraries.of(true, false).injectNull(0.3);
        return Combinators.combine(strings().list().ofSize(11), nullableBoolean, nullableBoolean)
                .as((s, anonymous, sso) -> new AuthUserRow(s.get(0), s.get(1), s.get(2), s.get(3), s.get(4), s.get(5),
                        s.get(6), s.get(7), s.get(8), s.get(9), s.get(10), anonymous, sso));
    }

    /** Profiles whose fields often equal the row's and the state's, as the topology makes them, or not. */
    private static Arbitrary<UserProfile> profiles(long lsn, long tsMs, AuthUserRow row, String username) {
        AuthUserRow r = row != null ? row : new AuthUserRow(null, null, null, null, null, null, null, null, null, null,
                null, null, null);
        Arbitrary<List<String>> providers = strings().list().ofMaxSize(4).injectNull(0.2);
        Arbitrary<List<Boolean>> flags = Arbitraries.of(true, false).list().ofSize(4);
        Arbitrary<List<Long>> positions = Combinators.combine(sameOr(lsn, Arbitraries.longs()),
                sameOr(tsMs, Arbitraries.longs())).as(List::of);
        Arbitrary<List<String>> texts = Combinators.combine(List.of(sameOr(r.id(), strings()), sameOr(r.email(), strings()),
                sameOr(username, strings()), strings(), strings(), strings(), sameOr(r.createdAt(), strings()),
                sameOr(r.updatedAt(), strings()), sameOr(r.lastSignInAt(), strings()))).as(list -> list);
        return Combinators.combine(texts, providers, flags, positions)
                .as((s, list, f, p) -> new UserProfile(s.get(0), s.get(1), s.get(2), s.get(3), s.get(4), s.get(5), list,
                        f.get(0), f.get(1), s.get(6), s.get(7), s.get(8), p.get(0), p.get(1), f.get(2)));
    }

    private static <T> Arbitrary<T> sameOr(T value, Arbitrary<T> other) {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(value)), Tuple.of(1, other));
    }

    /** Nulls, empty strings, ASCII, any code point (astral ones too), unpaired surrogates and very long strings. */
    private static Arbitrary<String> strings() {
        Arbitrary<String> codePoints = Arbitraries.integers().between(Character.MIN_CODE_POINT, Character.MAX_CODE_POINT)
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
                .list().ofMaxSize(30)
                .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.<String>just(null)),
                Tuple.of(2, Arbitraries.just("")),
                Tuple.of(16, Arbitraries.strings().ascii().ofMaxLength(60)),
                Tuple.of(8, codePoints),
                Tuple.of(4, Arbitraries.strings().all().ofMaxLength(12)),
                Tuple.of(1, Arbitraries.randomValue(UserStateSerdePropertiesTest::longString)));
    }

    /** Up to 100,000 chars, mostly ASCII with other code points mixed in, cut at a char, not a code point. */
    private static String longString(Random random) {
        int length = LONGEST_STRING - random.nextInt(LONGEST_STRING / 2);
        StringBuilder text = new StringBuilder(length + 1);
        while (text.length() < length) {
            int kind = random.nextInt(10);
            text.appendCodePoint(kind < 7 ? ' ' + random.nextInt(95) : kind < 9 ? 0x80 + random.nextInt(0xD000)
                    : 0x10000 + random.nextInt(0x100000));
        }
        text.setLength(length);
        return text.toString();
    }
}
