package io.usersync.sink.write;

import io.usersync.schemas.database.ProfileTable;

/**
 * The statements {@link ProfileWriter} sends. Those that name the profile table hold {@code {profile_table}};
 * {@link #on} puts the writer's table in.
 */
final class ProfileSql {

    private static final String TABLE = "{profile_table}";
    static final String COLUMNS = "id, email, username, full_name, avatar_url, provider, providers,"
            + " email_verified, is_anonymous, created_at, updated_at, last_sign_in_at, source_lsn";
    /** The pipeline's columns only: a column the app added to public.users, NOT NULL or not, is none of its business. */
    static final String CREATE_STAGING = "create temp table if not exists usersync_incoming on commit delete rows"
            + " as select " + COLUMNS + " from " + TABLE + " with no data";
    static final String CLEAR_STAGING = "truncate usersync_incoming";
    static final String COPY_STAGING = "copy usersync_incoming (" + COLUMNS + ") from stdin (format csv)";
    /** A newer profile only. */
    static final String ON_CONFLICT_NEWER = """
             on conflict (id) do update set
                email = excluded.email, username = excluded.username, full_name = excluded.full_name,
                avatar_url = excluded.avatar_url, provider = excluded.provider, providers = excluded.providers,
                email_verified = excluded.email_verified, is_anonymous = excluded.is_anonymous,
                created_at = excluded.created_at, updated_at = excluded.updated_at,
                last_sign_in_at = excluded.last_sign_in_at, deleted_at = null,
                source_lsn = excluded.source_lsn, synced_at = now()
            where u.source_lsn < excluded.source_lsn
            """;
    /**
     * A newer profile, or one at the row's own LSN that would change it (a resync, a replay): a row changed outside
     * the pipeline is put right, and a profile the row already holds is not written again, however often it comes
     * (the stream processor sends one again after a crash). A field the app owns (migration V7) is not a change:
     * the profile table's trigger would keep the app's value anyway.
     */
    static final String ON_CONFLICT_NEWER_OR_CHANGED = ON_CONFLICT_NEWER + """
               or (u.source_lsn = excluded.source_lsn and (
                   (u.email, u.provider, u.providers, u.email_verified, u.is_anonymous, u.created_at, u.updated_at,
                       u.last_sign_in_at, u.deleted_at)
                   is distinct from (excluded.email, excluded.provider, excluded.providers, excluded.email_verified,
                       excluded.is_anonymous, excluded.created_at, excluded.updated_at, excluded.last_sign_in_at, null)
                   or (u.username is distinct from excluded.username and not exists
                       (select from usersync.app_owned_fields o where o.user_id = u.id and o.field = 'username'))
                   or (u.full_name is distinct from excluded.full_name and not exists
                       (select from usersync.app_owned_fields o where o.user_id = u.id and o.field = 'full_name'))
                   or (u.avatar_url is distinct from excluded.avatar_url and not exists
                       (select from usersync.app_owned_fields o where o.user_id = u.id and o.field = 'avatar_url'))))
            """;
    static final String UPSERT_FROM_STAGING = "insert into " + TABLE + " as u (" + COLUMNS + ", deleted_at, synced_at)"
            + " select " + COLUMNS + ", null, now() from usersync_incoming";
    static final String UPSERT_NEWER = UPSERT_FROM_STAGING + ON_CONFLICT_NEWER;
    /** One row, its values as text like COPY's, cast by the server. */
    static final String UPSERT_ROW = "insert into " + TABLE + " as u (" + COLUMNS + ", deleted_at, synced_at)"
            + " values (?::uuid, ?, ?, ?, ?, ?, ?::text[], ?, ?, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?, null, now())";
    static final String HARD_DELETE = "delete from " + TABLE + " where id = ? and source_lsn <= ?";
    /** The row takes the delete's LSN, so that its guard keeps every older profile from bringing the user back. */
    static final String SOFT_DELETE = """
            update {profile_table} as u set deleted_at = now(), email = null, full_name = null, avatar_url = null,
                source_lsn = d.lsn, synced_at = now()
            from (select ?::uuid as id, ?::bigint as lsn) d
            where u.id = d.id and u.source_lsn <= d.lsn and u.deleted_at is null
            """;
    /**
     * Every delete applied is remembered (migration V9), whether or not the row was there: no later write of the sink
     * inserts the user again at or below its LSN.
     */
    static final String REMEMBER_DELETE = """
            insert into usersync.sink_deletes as d (user_id, source_lsn) values (?, ?)
            on conflict (user_id) do update set source_lsn = greatest(d.source_lsn, excluded.source_lsn), deleted_at = now()
            """;
    /** Deletes remembered longer than the given seconds. */
    static final String FORGET_DELETES = "delete from usersync.sink_deletes where deleted_at < now() - make_interval(secs => ?)";
    /**
     * What the app wrote into a user's profile fields (migration V7) goes with the user: once the row is gone or
     * soft-deleted, by this delete or before it (a foreign key's cascade from auth.users).
     */
    static final String RELEASE_APP_OWNED_FIELDS = """
            delete from usersync.app_owned_fields o
            where o.user_id = ? and not exists (select 1 from {profile_table} u where u.id = o.user_id and u.deleted_at is null)
            """;
    static final String STORE_OFFSET = """
            insert into usersync.sink_offsets (group_id, topic, partition, next_offset, updated_at)
            values (?, ?, ?, ?, now())
            on conflict (group_id, topic, partition) do update set next_offset = excluded.next_offset, updated_at = now()
            """;
    static final String READ_OFFSETS = "select topic, partition, next_offset from usersync.sink_offsets where group_id = ?";

    private ProfileSql() {
    }

    /** The statement with the profile table in it. */
    static String on(ProfileTable table, String statement) {
        return statement.replace(TABLE, table.qualified());
    }
}
