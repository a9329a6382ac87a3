package io.usersync.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What a deployment must come back to after every fault, once the changes stop: public.users agrees with auth.users
 * as {@code usersync reconcile} sees it (every user there, with the fields the normalizer gives, no orphan), every
 * username is of its user's base and held once, every user keeps the username they had at the last check, no row
 * version was written twice, and no deleted user's row was inserted again.
 */
public final class Convergence {

    private final PublicUsers publicUsers;
    private final String bootstrapServers;
    private final Map<UUID, String> usernamesSeen = new HashMap<>();

    public Convergence(PublicUsers publicUsers, String bootstrapServers) {
        this.publicUsers = publicUsers;
        this.bootstrapServers = bootstrapServers;
    }

    /** Waits until public.users has caught up with auth.users, then checks it; call it with the changes paused. */
    public void assertConverged() throws Exception {
        publicUsers.awaitDrift(drift -> drift.total() == 0, bootstrapServers);
        Map<UUID, String> usernames = publicUsers.usernames();
        assertThat(publicUsers.usernamesNotOfTheirBase()).isEmpty();
        assertThat(publicUsers.usernamesTakenTwice()).isEmpty();
        usernamesSeen.keySet().retainAll(usernames.keySet());
        assertThat(usernames).as("every user keeps the username they were given").containsAllEntriesOf(usernamesSeen);
        usernamesSeen.putAll(usernames);
        assertThat(publicUsers.writesPerRowVersion()).as("row versions by the number of times they were written")
                .containsOnlyKeys(1);
        assertThat(publicUsers.resurrections()).as("deleted users inserted again").isEmpty();
    }
}
