package io.usersync.app.adopt;

import java.util.Optional;
import java.util.Set;

/**
 * The columns of the profile table the pipeline writes, with migration V1's types. An adopted table gets the
 * ones it lacks and keeps the ones it has when their type takes what the sink writes.
 */
enum PipelineColumn {
    EMAIL("email", "text", Type.STRING, true, "from now on it holds auth.users.email"),
    // Nullable, unlike V1's: rows the app wrote may have none until the pipeline writes them.
    USERNAME("username", "text", Type.STRING, false,
            "the pipeline gives new users one; names already there stay the app's (migration V7)"),
    FULL_NAME("full_name", "text", Type.STRING, true,
            "the pipeline fills it from the provider's metadata; values already there stay the app's (migration V7)"),
    AVATAR_URL("avatar_url", "text", Type.STRING, true,
            "the pipeline fills it from the provider's metadata; values already there stay the app's (migration V7)"),
    PROVIDER("provider", "text", Type.STRING, true, "from now on it holds the provider the user signed up with"),
    PROVIDERS("providers", "text[]", Type.TEXT_ARRAY, true, "from now on it holds every provider of the user"),
    EMAIL_VERIFIED("email_verified", "boolean not null default false", Type.BOOLEAN, false,
            "from now on it holds whether auth.users confirmed the email"),
    IS_ANONYMOUS("is_anonymous", "boolean not null default false", Type.BOOLEAN, false,
            "from now on it holds auth.users.is_anonymous"),
    // Supabase's auth server sets both on every row, so an app's NOT NULL on them holds.
    CREATED_AT("created_at", "timestamptz", Type.TIMESTAMPTZ, false, "from now on it holds auth.users.created_at"),
    UPDATED_AT("updated_at", "timestamptz", Type.TIMESTAMPTZ, false, "from now on it holds auth.users.updated_at"),
    LAST_SIGN_IN_AT("last_sign_in_at", "timestamptz", Type.TIMESTAMPTZ, true,
            "from now on it holds auth.users.last_sign_in_at"),
    DELETED_AT("deleted_at", "timestamptz", Type.TIMESTAMPTZ, true,
            "from now on it holds when the user was deleted (soft delete)"),
    // 0: no pipeline wrote the row. Migration V7 makes the profile fields of such rows the app's, and any change
    // the pipeline captures has a higher LSN, so its first write for the user goes through.
    SOURCE_LSN("source_lsn", "bigint not null default 0", Type.BIGINT, false,
            "from now on it holds the log position of the change the row was written from"),
    SYNCED_AT("synced_at", "timestamptz not null default now()", Type.TIMESTAMPTZ, false,
            "from now on it holds when the pipeline last wrote the row");

    /** What a column of the app's must be for the sink's writes ({@code COPY} text, casts) to land unchanged. */
    enum Type {
        STRING(Set.of("text", "varchar", "citext")),
        TEXT_ARRAY(Set.of("_text", "_varchar")),
        BOOLEAN(Set.of("bool")),
        BIGINT(Set.of("int8")),
        TIMESTAMPTZ(Set.of("timestamptz"));

        private final Set<String> typeNames;

        Type(Set<String> typeNames) {
            this.typeNames = typeNames;
        }

        boolean accepts(TableShape.Column column) {
            return typeNames.contains(column.typeName());
        }
    }

    private final String column;
    private final String definition;
    private final Type type;
    private final boolean writesNull;
    private final String holds;

    PipelineColumn(String column, String definition, Type type, boolean writesNull, String holds) {
        this.column = column;
        this.definition = definition;
        this.type = type;
        this.writesNull = writesNull;
        this.holds = holds;
    }

    static Optional<PipelineColumn> named(String column) {
        for (PipelineColumn candidate : values()) {
            if (candidate.column.equals(column)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    String column() {
        return column;
    }

    /** The type and constraints after {@code add column}, as in V1. */
    String definition() {
        return definition;
    }

    /** The type alone, for a fix that changes an app's column to it. */
    String sqlType() {
        return definition.split(" ")[0];
    }

    Type type() {
        return type;
    }

    /** Whether the sink writes null into it for some users (no email, no metadata, never signed in, soft-deleted). */
    boolean writesNull() {
        return writesNull;
    }

    /** What the column means once the pipeline writes it. */
    String holds() {
        return holds;
    }
}
