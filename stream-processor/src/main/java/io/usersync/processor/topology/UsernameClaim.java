package io.usersync.processor.topology;

/**
 * A message to the task that owns a username root.
 *
 * @param type      {@link #CLAIM}: give the user the first free candidate of {@code base}, or
 *                  {@code username} if it is free (a username the user already had);
 *                  {@link #RELEASE}: the user no longer holds {@code username};
 *                  {@link #RESERVE}: {@code username} was set outside the pipeline for the user
 */
record UsernameClaim(String type, String userId, String base, String username) {

    static final String CLAIM = "claim";
    static final String RELEASE = "release";
    static final String RESERVE = "reserve";

    static UsernameClaim claim(String userId, String base, String preferred) {
        return new UsernameClaim(CLAIM, userId, base, preferred);
    }

    static UsernameClaim release(String userId, String username) {
        return new UsernameClaim(RELEASE, userId, null, username);
    }

    static UsernameClaim reserve(String userId, String username) {
        return new UsernameClaim(RESERVE, userId, null, username);
    }
}
