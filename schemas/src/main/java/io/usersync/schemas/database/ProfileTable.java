package io.usersync.schemas.database;

import java.util.regex.Pattern;

/**
 * The app's profile table that the pipeline keeps in step: {@code public.users} unless the app has its own under
 * another name ({@code public.profiles} in Supabase's guide), which {@code usersync migrate} then adopts. Plain
 * lower-case identifiers only, so the name goes into SQL as it is, never quoted and never a place to inject.
 */
public record ProfileTable(String schema, String name) {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public static final ProfileTable DEFAULT = new ProfileTable("public", "users");

    public ProfileTable {
        if (schema == null || !IDENTIFIER.matcher(schema).matches() || name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("a profile table is schema.table in lower-case letters, digits and '_',"
                    + " like public.profiles");
        }
    }

    /** {@code schema.table}, as {@link #qualified()} gives it. */
    public static ProfileTable parse(String qualified) {
        int dot = qualified.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("a profile table is schema.table in lower-case letters, digits and '_',"
                    + " like public.profiles");
        }
        return new ProfileTable(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    /** The name as SQL takes it: {@code schema.table}. */
    public String qualified() {
        return schema + "." + name;
    }

    public boolean isDefault() {
        return equals(DEFAULT);
    }

    @Override
    public String toString() {
        return qualified();
    }
}
