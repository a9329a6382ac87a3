package io.usersync.schemas.profile;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A domain event on {@code usersync.users.events}, for real-time consumers. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserEvent(
        @JsonProperty("type") String type,
        @JsonProperty("user_id") String userId,
        @JsonProperty("changed_fields") List<String> changedFields,
        @JsonProperty("profile") UserProfile profile,
        @JsonProperty("source_lsn") long sourceLsn,
        @JsonProperty("source_ts_ms") long sourceTsMs) {

    public static final String CREATED = "user.created";
    public static final String UPDATED = "user.updated";
    public static final String DELETED = "user.deleted";
}
