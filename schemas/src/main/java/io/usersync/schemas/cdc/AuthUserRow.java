package io.usersync.schemas.cdc;

import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The columns of an {@code auth.users} row that usersync reads, as Debezium sends them: uuids and
 * timestamps as strings, jsonb columns as their JSON text. Any column may hold Debezium's
 * unchanged-TOAST placeholder ({@link #UNAVAILABLE_VALUE}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthUserRow(
        @JsonProperty("id") String id,
        @JsonProperty("email") String email,
        @JsonProperty("phone") String phone,
        @JsonProperty("raw_app_meta_data") String rawAppMetaData,
        @JsonProperty("raw_user_meta_data") String rawUserMetaData,
        @JsonProperty("email_confirmed_at") String emailConfirmedAt,
        @JsonProperty("phone_confirmed_at") String phoneConfirmedAt,
        @JsonProperty("last_sign_in_at") String lastSignInAt,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("updated_at") String updatedAt,
        @JsonProperty("deleted_at") String deletedAt,
        @JsonProperty("is_anonymous") Boolean isAnonymous,
        @JsonProperty("is_sso_user") Boolean isSsoUser) {

    /** Debezium's {@code unavailable.value.placeholder} for an unchanged TOASTed value. */
    public static final String UNAVAILABLE_VALUE = "__debezium_unavailable_value";

    /**
     * The columns named above, in order: the only ones capture reads. Password hashes, tokens and the
     * other columns of {@code auth.users} never leave the database.
     */
    public static List<String> columns() {
        return Arrays.stream(AuthUserRow.class.getRecordComponents())
                .map(component -> component.getAccessor().getAnnotation(JsonProperty.class).value())
                .toList();
    }
}
