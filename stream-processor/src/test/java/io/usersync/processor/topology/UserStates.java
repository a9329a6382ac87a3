package io.usersync.processor.topology;

import java.util.List;

import io.usersync.processor.normalize.ProfileNormalizer;
import io.usersync.schemas.cdc.AuthUserRow;
import io.usersync.schemas.profile.UserEvent;
import io.usersync.schemas.profile.UserProfile;

/** States of the {@code user-state} store as the topology writes them. */
final class UserStates {

    static final String EMAIL = "james.smith.12@gmail.com";
    static final String USERNAME = "james_smith12";

    private static final String PICTURE = "https://lh3.googleusercontent.com/a/ACg8oc0cc175b9c0f1b6a831c399e2697726=s96-c";
    private static final String SUB = "100000000000012345678";
    private static final String NOW = "2026-11-01T10:00:00.123456Z";

    private UserStates() {
    }

    /**
     * A Google sign-up as the bench writes it ({@code FakeUsers.google}), with its metadata in PostgreSQL's
     * normalized jsonb text, after its username was assigned.
     */
    static UserState googleSignUp() {
        String userMeta = "{\"iss\": \"https://accounts.google.com\", \"sub\": \"" + SUB + "\", \"name\": \"James Smith\","
                + " \"email\": \"" + EMAIL + "\", \"picture\": \"" + PICTURE + "\", \"full_name\": \"James Smith\","
                + " \"avatar_url\": \"" + PICTURE + "\", \"provider_id\": \"" + SUB + "\", \"email_verified\": true,"
                + " \"phone_verified\": false}";
        AuthUserRow row = new AuthUserRow("3f1c2a9e-5b7d-4c8e-9a1f-2b3c4d5e6f70", EMAIL, null,
                "{\"provider\": \"google\", \"providers\": [\"google\"]}", userMeta, NOW, null, NOW, NOW, NOW, null,
                false, false);
        long lsn = 23_456_789_012L;
        long tsMs = 1_793_000_000_123L;
        UserProfile profile = ProfileNormalizer.normalize(row).withUsername(USERNAME, lsn, tsMs, false);
        return UserState.published(lsn, tsMs, row, profile, false, SentOutputs.profileAnd(UserEvent.CREATED, List.of()));
    }
}
