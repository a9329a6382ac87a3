package io.usersync.processor.topology;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.usersync.processor.username.ClaimResult;
import io.usersync.processor.username.ReserveResult;
import io.usersync.processor.username.UsernameBase;
import io.usersync.processor.username.UsernameRegistry;

/**
 * A user-state task's way to its usernames: a claim, release or reservation is decided at once in the task's own
 * {@link UsernameRegistry} when the task owns the username's root, and sent through the claims topic to the task
 * that owns it otherwise.
 */
final class UsernameRouting {

    private final ProcessorContext<String, UserOutput> context;
    private final ClaimPartitions ownedRoots;
    private final UsernameRegistry registry;
    private final ProcessorMetrics metrics;

    UsernameRouting(ProcessorContext<String, UserOutput> context, ClaimPartitions ownedRoots, UsernameRegistry registry,
            ProcessorMetrics metrics) {
        this.context = context;
        this.ownedRoots = ownedRoots;
        this.registry = registry;
        this.metrics = metrics;
    }

    /**
     * A crash can bring the task's stores back at different points: the user's state may say they hold a username that
     * the registry lost with the changelog records not yet sent, and a later claim would hand it out again (a second
     * row with it, refused by public.users). Gives it back to the user, here or through the task that owns its root;
     * one the registry still has is left as it is.
     */
    void holdAgain(Record<String, UserInput> record, String userId, String username) {
        String root = UsernameBase.root(username);
        if (!ownedRoots.ownsRoot(root)) {
            context.forward(record.withKey(root).withValue(UserOutput.claim(UsernameClaim.reserve(userId, username))));
        } else if (registry.reserve(userId, username) instanceof ReserveResult.Conflict) {
            // Given to someone else while the registry was behind: nothing here can undo that; counted like a reservation's.
            metrics.reservationConflict();
        }
    }

    /**
     * Claims {@code preferred}, else the first free candidate of {@code base}: here when this task owns the
     * root, else through the claims topic.
     *
     * @return the username given here, or null when the claim was sent to the task that owns the root
     */
    String claim(Record<String, UserInput> record, String userId, String base, String preferred) {
        UsernameClaim.Claim claim = UsernameClaim.claim(userId, base, preferred);
        String root = UsernameBase.root(preferred != null ? preferred : base);
        while (ownedRoots.ownsRoot(root)) {
            ClaimResult result = registry.claim(userId, claim.base(), claim.username());
            if (result instanceof ClaimResult.Assigned assigned) {
                if (assigned.numbered()) {
                    metrics.collisionResolved();
                }
                return assigned.username();
            }
            // The preferred name is taken: the first free candidate of the base, under the base's root.
            root = ((ClaimResult.RetryUnderRoot) result).root();
            claim = UsernameClaim.claim(userId, base, null);
        }
        context.forward(record.withKey(root).withValue(UserOutput.claim(claim)));
        return null;
    }

    /** Frees the username if the user holds it: here when this task owns its root, else through the claims topic. */
    void release(Record<String, UserInput> record, String userId, String username) {
        String root = UsernameBase.root(username);
        if (ownedRoots.ownsRoot(root)) {
            registry.release(userId, username);
        } else {
            context.forward(record.withKey(root).withValue(UserOutput.claim(UsernameClaim.release(userId, username))));
        }
    }
}
