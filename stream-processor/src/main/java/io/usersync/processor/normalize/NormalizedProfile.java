package io.usersync.processor.normalize;

import java.util.List;

import io.usersync.schemas.profile.UserProfile;

/** A profile made from an {@code auth.users} row, before it has a username. */
public record NormalizedProfile(
        String id,
        String email,
        String fullName,
        String avatarUrl,
        String provider,
        List<String> providers,
        boolean emailVerified,
        boolean isAnonymous,
        String createdAt,
        String updatedAt,
        String lastSignInAt) {

    public UserProfile withUsername(String username, long sourceLsn, long sourceTsMs, boolean resync) {
        return new UserProfile(id, email, username, fullName, avatarUrl, provider, providers, emailVerified,
                isAnonymous, createdAt, updatedAt, lastSignInAt, sourceLsn, sourceTsMs, resync);
    }
}
