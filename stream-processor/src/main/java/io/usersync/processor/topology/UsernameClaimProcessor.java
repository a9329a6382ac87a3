package io.usersync.processor.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.processor.username.ClaimResult;
import io.usersync.processor.username.ReserveResult;
import io.usersync.processor.username.UsernameRegistry;
import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.logging.LogFields;

/**
 * Keyed by username root: the one place where every claim that could collide is decided, so
 * usernames are unique across partitions and instances. The {@code usernames} store maps each
 * username handed out or reserved to its user id; the decisions are the {@link UsernameRegistry}'s, which
 * keeps the hints and holdings stores beside it.
 * The first claim to arrive wins; with one partition that is commit order.
 */
final class UsernameClaimProcessor implements Processor<String, UsernameClaim, String, ClaimOutcome> {

    static final String STORE = "usernames";
    /** Base -> lowest suffix that may be free, so a claim does not scan every holder of its base. */
    static final String HINTS_STORE = "username-hints";
    /** User id -> usernames the user holds below a hint, so a claim gives a user back what they hold. */
    static final String HOLDINGS_STORE = "username-holdings";

    private static final Logger log = LoggerFactory.getLogger(UsernameClaimProcessor.class);

    private final ProcessorMetrics metrics;
    private final boolean keepReleased;
    private ProcessorContext<String, ClaimOutcome> context;
    private UsernameRegistry registry;

    UsernameClaimProcessor(ProcessorMetrics metrics, boolean keepReleased) {
        this.metrics = metrics;
        this.keepReleased = keepReleased;
    }

    @Override
    public void init(ProcessorContext<String, ClaimOutcome> context) {
        this.context = context;
        this.registry = new UsernameRegistry(context.getStateStore(STORE), context.getStateStore(HINTS_STORE),
                context.getStateStore(HOLDINGS_STORE), keepReleased);
    }

    @Override
    public void process(Record<String, UsernameClaim> record) {
        record.value().match(
                claim -> claim(record, claim),
                release -> registry.release(release.userId(), release.username()),
                reservation -> reserve(record, reservation));
    }

    private void claim(Record<String, UsernameClaim> record, UsernameClaim.Claim claim) {
        ClaimResult result = registry.claim(claim.userId(), claim.base(), claim.username());
        if (result instanceof ClaimResult.Assigned assigned) {
            if (assigned.numbered()) {
                metrics.collisionResolved();
            }
            context.forward(record.withKey(claim.userId()).withValue(UsernameAssignment.claimed(assigned.username())));
        } else if (result instanceof ClaimResult.RetryUnderRoot retry) {
            context.forward(record.withKey(retry.root())
                    .withValue(new ClaimOutcome.Retry(UsernameClaim.claim(claim.userId(), claim.base(), null))));
        }
    }

    /** Held by the same user already is the echo of the pipeline's own write: nothing to do. */
    private void reserve(Record<String, UsernameClaim> record, UsernameClaim.Reserve claim) {
        ReserveResult result = registry.reserve(claim.userId(), claim.username());
        if (result instanceof ReserveResult.Taken taken) {
            context.forward(record.withKey(claim.userId()).withValue(UsernameAssignment.reserved(taken.username())));
        } else if (result instanceof ReserveResult.Conflict conflict) {
            metrics.reservationConflict();
            log.atWarn().addKeyValue(LogFields.STAGE, DeadLetterHeaders.STAGE_PROCESSOR).addKeyValue(LogFields.USER_ID, claim.userId())
                    .log("Username reserved for user {} was already given to {}", claim.userId(),
                            UsernameRegistry.NOBODY.equals(conflict.owner()) ? "a deleted user (kept)" : "user " + conflict.owner());
        }
    }
}
