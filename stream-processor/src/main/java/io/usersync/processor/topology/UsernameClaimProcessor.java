package io.usersync.processor.topology;

import java.util.Objects;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.processor.username.UsernameBase;

/**
 * Keyed by username root: the one place where every claim that could collide is decided, so
 * usernames are unique across partitions and instances. The {@code usernames} store maps each
 * username handed out or reserved to its user id. The first claim to arrive wins; with one partition
 * that is commit order.
 */
final class UsernameClaimProcessor implements Processor<String, UsernameClaim, String, ClaimOutcome> {

    static final String STORE = "usernames";

    private static final Logger log = LoggerFactory.getLogger(UsernameClaimProcessor.class);

    private final ProcessorMetrics metrics;
    private final boolean keepReleased;
    private ProcessorContext<String, ClaimOutcome> context;
    private KeyValueStore<String, String> owners;

    UsernameClaimProcessor(ProcessorMetrics metrics, boolean keepReleased) {
        this.metrics = metrics;
        this.keepReleased = keepReleased;
    }

    @Override
    public void init(ProcessorContext<String, ClaimOutcome> context) {
        this.context = context;
        this.owners = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, UsernameClaim> record) {
        UsernameClaim claim = record.value();
        switch (claim.type()) {
            case UsernameClaim.CLAIM -> claim(record, claim);
            case UsernameClaim.RELEASE -> release(claim);
            case UsernameClaim.RESERVE -> reserve(record, claim);
            default -> throw new IllegalArgumentException("unknown claim type " + claim.type());
        }
    }

    private void claim(Record<String, UsernameClaim> record, UsernameClaim claim) {
        String userId = claim.userId();
        if (claim.username() != null) {
            String owner = owners.get(claim.username());
            if (owner == null || owner.equals(userId)) {
                take(record, claim.username(), userId);
                return;
            }
            UsernameClaim withoutPreference = UsernameClaim.claim(userId, claim.base(), null);
            String baseRoot = UsernameBase.root(claim.base());
            if (!baseRoot.equals(record.key())) {
                context.forward(record.withKey(baseRoot).withValue(ClaimOutcome.retry(withoutPreference)));
                return;
            }
        }
        for (int n = 1; ; n++) {
            String candidate = UsernameBase.candidate(claim.base(), n);
            String owner = owners.get(candidate);
            if (owner == null || owner.equals(userId)) {
                if (n > 1 && owner == null) {
                    metrics.collisionResolved();
                }
                take(record, candidate, userId);
                return;
            }
        }
    }

    private void release(UsernameClaim claim) {
        if (!keepReleased && Objects.equals(owners.get(claim.username()), claim.userId())) {
            owners.delete(claim.username());
        }
    }

    /** Owned by the same user already is the echo of the pipeline's own write: nothing to do. */
    private void reserve(Record<String, UsernameClaim> record, UsernameClaim claim) {
        String owner = owners.get(claim.username());
        if (owner == null) {
            take(record, claim.username(), claim.userId());
        } else if (!owner.equals(claim.userId())) {
            metrics.reservationConflict();
            log.warn("Username reserved for user {} was already given to user {}", claim.userId(), owner);
        }
    }

    private void take(Record<String, UsernameClaim> record, String username, String userId) {
        owners.put(username, userId);
        context.forward(record.withKey(userId).withValue(ClaimOutcome.assigned(username)));
    }
}
