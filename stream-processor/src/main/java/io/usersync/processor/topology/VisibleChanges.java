package io.usersync.processor.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import io.usersync.schemas.profile.UserProfile;

/**
 * The profile fields a consumer of {@code public.users} or the events topic can see. A change of any
 * other column (updated_at, tokens, passwords) produces no event and no rewrite.
 */
final class VisibleChanges {

    private record Field(String name, Function<UserProfile, Object> value) {
    }

    private static final List<Field> FIELDS = List.of(
            new Field("email", UserProfile::email),
            new Field("username", UserProfile::username),
            new Field("full_name", UserProfile::fullName),
            new Field("avatar_url", UserProfile::avatarUrl),
            new Field("provider", UserProfile::provider),
            new Field("providers", UserProfile::providers),
            new Field("email_verified", UserProfile::emailVerified),
            new Field("is_anonymous", UserProfile::isAnonymous),
            new Field("created_at", UserProfile::createdAt),
            new Field("last_sign_in_at", UserProfile::lastSignInAt));

    private VisibleChanges() {
    }

    /** Names of the visible fields that differ, in a fixed order; empty when none does. */
    static List<String> between(UserProfile before, UserProfile after) {
        List<String> changed = new ArrayList<>();
        for (Field field : FIELDS) {
            if (!Objects.equals(field.value().apply(before), field.value().apply(after))) {
                changed.add(field.name());
            }
        }
        return changed;
    }

    /** The fields as bits, in the fixed order: bit n is the n-th field. */
    static int mask(List<String> names) {
        int mask = 0;
        for (String name : names) {
            int index = indexOf(name);
            if (index < 0) {
                throw new IllegalArgumentException("not a visible field: " + name);
            }
            mask |= 1 << index;
        }
        return mask;
    }

    /** The fields of a {@link #mask}, in the fixed order. */
    static List<String> names(int mask) {
        if (mask >>> FIELDS.size() != 0) {
            throw BinaryReader.corrupt("unknown visible fields " + Integer.toBinaryString(mask));
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < FIELDS.size(); i++) {
            if ((mask & 1 << i) != 0) {
                names.add(FIELDS.get(i).name());
            }
        }
        return names;
    }

    private static int indexOf(String name) {
        for (int i = 0; i < FIELDS.size(); i++) {
            if (FIELDS.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
