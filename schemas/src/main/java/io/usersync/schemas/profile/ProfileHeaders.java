package io.usersync.schemas.profile;

/** Headers of records on {@code usersync.users.profiles}. */
public final class ProfileHeaders {

    /**
     * On a tombstone, the source LSN of the delete as decimal text: a tombstone has no value to carry it,
     * and the sink must not let a late delete remove a newer row.
     */
    public static final String SOURCE_LSN = "usersync.source.lsn";

    private ProfileHeaders() {
    }
}
