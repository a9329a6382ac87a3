package io.usersync.schemas.profile;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A normalized user profile with its username: the value of {@code usersync.users.profiles}, one
 * row of {@code public.users}. Timestamps are ISO-8601 strings as the source sent them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UserProfile(
        @JsonProperty("id") String id,
        @JsonProperty("email") String email,
        @JsonProperty("username") String username,
        @JsonProperty("full_name") String fullName,
        @JsonProperty("avatar_url") String avatarUrl,
        @JsonProperty("provider") String provider,
        @JsonProperty("providers") List<String> providers,
        @JsonProperty("email_verified") boolean emailVerified,
        @JsonProperty("is_anonymous") boolean isAnonymous,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("updated_at") String updatedAt,
        @JsonProperty("last_sign_in_at") String lastSignInAt,
        @JsonProperty("source_lsn") long sourceLsn,
        @JsonProperty("source_ts_ms") long sourceTsMs,
        @JsonProperty("resync") boolean resync) {
}
