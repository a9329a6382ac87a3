package io.usersync.sink.write;

import java.util.List;

import io.usersync.schemas.profile.UserProfile;

/**
 * Profiles as PostgreSQL CSV for COPY, in the column order of {@code ProfileSql.COLUMNS}. Every value is
 * quoted, so commas, quotes, newlines and backslashes in names arrive as they are; an unquoted empty
 * field is NULL.
 */
final class Csv {

    private Csv() {
    }

    static String rows(List<UserProfile> profiles) {
        StringBuilder csv = new StringBuilder(profiles.size() * 256);
        for (UserProfile profile : profiles) {
            field(csv, profile.id()).append(',');
            field(csv, profile.email()).append(',');
            field(csv, profile.username()).append(',');
            field(csv, profile.fullName()).append(',');
            field(csv, profile.avatarUrl()).append(',');
            field(csv, profile.provider()).append(',');
            field(csv, array(profile.providers())).append(',');
            field(csv, Boolean.toString(profile.emailVerified())).append(',');
            field(csv, Boolean.toString(profile.isAnonymous())).append(',');
            field(csv, profile.createdAt()).append(',');
            field(csv, profile.updatedAt()).append(',');
            field(csv, profile.lastSignInAt()).append(',');
            field(csv, Long.toString(profile.sourceLsn())).append('\n');
        }
        return csv.toString();
    }

    private static StringBuilder field(StringBuilder csv, String value) {
        if (value == null) {
            return csv;
        }
        return csv.append('"').append(value.replace("\"", "\"\"")).append('"');
    }

    /** A text[] literal: each element double-quoted, with backslashes and quotes escaped by a backslash. */
    static String array(List<String> values) {
        if (values == null) {
            return null;
        }
        StringBuilder literal = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            literal.append(i == 0 ? "" : ",").append('"')
                    .append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return literal.append('}').toString();
    }
}
