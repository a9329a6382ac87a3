package io.usersync.schemas;

import java.time.Duration;

/** Default topic names; every stage lets them be configured. */
public final class TopicNames {

    public static final String CDC = "usersync.auth.users.cdc";
    public static final String PROFILES = "usersync.users.profiles";
    public static final String EVENTS = "usersync.users.events";
    public static final String DEAD_LETTERS = "usersync.dlt";
    /** How long dead letters are kept, by whichever stage creates their topic. */
    public static final Duration DEAD_LETTERS_RETENTION = Duration.ofDays(30);
    /** Debezium change events of {@code public.users(id, username)}: usernames set outside the pipeline. */
    public static final String USERNAME_RESERVATIONS = "usersync.public.users.cdc";

    private TopicNames() {
    }
}
