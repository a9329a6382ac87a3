package io.usersync.processor.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.processor.normalize.NormalizedProfile;
import io.usersync.processor.normalize.ProfileNormalizer;
import io.usersync.processor.username.UsernameBase;
import io.usersync.processor.username.UsernameRegistry;
import io.usersync.schemas.cdc.AuthUserChange;
import io.usersync.schemas.cdc.AuthUserRow;
import io.usersync.schemas.profile.ProfileHeaders;
import io.usersync.schemas.profile.UserEvent;
import io.usersync.schemas.profile.UserProfile;

/**
 * Keyed by user id: applies each change only if it is newer (by source LSN) than what was applied,
 * fills in TOAST placeholders, normalizes, and publishes the profile and its event. A user without a
 * username gets one through a claim to the task that owns the username's root: this task, which then
 * decides it at once, or another, whose answer comes back here as an assignment. A username the user
 * already had in the profiles topic (a fresh deployment replaying the CDC topic) is claimed first, so it
 * stays the same.
 *
 * <p>At least once ({@code resendRepeats}), a change or an assignment that comes again with the state already at it
 * sends again what it sent the first time: a crash can leave the state in Kafka without the outputs. The sink
 * writes a row only for a newer LSN, so a profile sent twice is written once; the event goes out twice.
 */
final class UserStateProcessor implements Processor<String, UserInput, String, UserOutput> {

    static final String STORE = "user-state";

    private static final Logger log = LoggerFactory.getLogger(UserStateProcessor.class);

    private final ProcessorMetrics metrics;
    private final int claimsPartitions;
    private final boolean keepReleased;
    private final boolean resendRepeats;
    private final Duration releasedKept;
    private ProcessorContext<String, UserOutput> context;
    private KeyValueStore<String, UserState> states;
    private KeyValueStore<String, String> existingUsernames;
    private UsernameRouting usernames;

    /**
     * @param releasedKept how long a deleted user's state keeps the username its delete released, to release it again
     *                     if the delete comes again after a crash: an eighth of the erasure bound, far longer than a
     *                     commit interval
     */
    UserStateProcessor(ProcessorMetrics metrics, int claimsPartitions, boolean keepReleased, boolean resendRepeats,
            Duration releasedKept) {
        this.metrics = metrics;
        this.claimsPartitions = claimsPartitions;
        this.keepReleased = keepReleased;
        this.resendRepeats = resendRepeats;
        this.releasedKept = releasedKept;
    }

    @Override
    public void init(ProcessorContext<String, UserOutput> context) {
        this.context = context;
        this.states = context.getStateStore(STORE);
        this.existingUsernames = context.getStateStore(UserSyncTopology.EXISTING_USERNAMES_STORE);
        this.usernames = new UsernameRouting(context, new ClaimPartitions(claimsPartitions, context.taskId().partition()),
                new UsernameRegistry(context.getStateStore(UsernameClaimProcessor.STORE),
                        context.getStateStore(UsernameClaimProcessor.HINTS_STORE),
                        context.getStateStore(UsernameClaimProcessor.HOLDINGS_STORE), keepReleased), metrics);
        context.schedule(releasedKept, PunctuationType.WALL_CLOCK_TIME, new ReleasedUsernamesForgotten(states, releasedKept));
    }

    @Override
    public void process(Record<String, UserInput> record) {
        if (record.value().change() != null) {
            onChange(record, record.value().change());
        } else if (record.value().isRemoval()) {
            onRemoval(record);
        } else {
            onAssignment(record, record.value().assignment());
        }
    }

    /**
     * A tombstone of the CDC topic: it follows a delete, which it finds applied, unless the processor was behind by more
     * than the compaction lag and the delete was cleaned away before it was read. Then the user is deleted here, just
     * after the last change known of them: user ids are never given again, so nothing of theirs can come later.
     */
    private void onRemoval(Record<String, UserInput> record) {
        UserState state = states.get(record.key());
        if (state != null && state.live() && state.lsn() != Long.MIN_VALUE) {
            metrics.removalWithoutDelete();
            log.warn("User {} deleted on the tombstone of {} alone: the processor was behind by more than the topic's"
                    + " max.compaction.lag.ms, and the delete was cleaned away before it was read", record.key(),
                    context.recordMetadata().map(RecordMetadata::topic).orElse("the CDC topic"));
            delete(record, state, state.lsn() + 1, record.timestamp());
        }
    }

    private void onChange(Record<String, UserInput> record, AuthUserChange change) {
        String userId = record.key();
        UserState state = states.get(userId);
        ChangePosition position = ChangePosition.of(change, state);
        if (position.acrossSlotSnapshot()) {
            metrics.changeAcrossSlotSnapshot();
        }
        long lsn = position.lsn();
        boolean slotSnapshot = position.slotSnapshot();
        long tsMs = change.source().tsMs() != null ? change.source().tsMs() : record.timestamp();
        boolean repeated = state != null && lsn == state.lsn() && !change.isRead();
        if (repeated && resendRepeats) {
            resend(record, state);
            return;
        }
        if (state != null && (lsn < state.lsn() || repeated)) {
            metrics.staleChange();
            return;
        }
        if (change.isDelete()) {
            delete(record, state, lsn, tsMs);
            return;
        }
        AuthUserRow row = ToastMerge.merge(change.after(), state != null && state.live() ? state.row() : null);
        if (row.deletedAt() != null) {
            delete(record, state, lsn, tsMs);
            return;
        }
        if (state != null && state.live() && state.username() != null) {
            UserProfile profile = ProfileNormalizer.normalize(row).withUsername(state.username(), lsn, tsMs, change.isRead());
            SentOutputs sent = publishUpdate(record, state.profile(), profile);
            states.put(userId, UserState.published(lsn, tsMs, row, profile, slotSnapshot, sent));
        } else if (state != null && state.live() && state.pending()) {
            states.put(userId, UserState.awaitingUsername(lsn, tsMs, row, change.isRead(), slotSnapshot));
        } else {
            claimAndPublish(record, row, lsn, tsMs, change.isRead(), slotSnapshot);
        }
    }

    /** A user without a username: claims one, and publishes the profile if the claim was decided here. */
    private void claimAndPublish(Record<String, UserInput> record, AuthUserRow row, long lsn, long tsMs, boolean read,
            boolean slotSnapshot) {
        String userId = record.key();
        NormalizedProfile normalized = ProfileNormalizer.normalize(row);
        String base = UsernameBase.of(normalized.email(), normalized.fullName());
        String username = usernames.claim(record, userId, base, existingUsernames.get(userId));
        if (username == null) {
            states.put(userId, UserState.awaitingUsername(lsn, tsMs, row, read, slotSnapshot));
            return;
        }
        UserProfile profile = normalized.withUsername(username, lsn, tsMs, read);
        SentOutputs sent = publishUpdate(record, null, profile);
        states.put(userId, UserState.published(lsn, tsMs, row, profile, slotSnapshot, sent));
    }

    /** Sends again what the state's change sent: its claim if still pending, else its profile and event. */
    private void resend(Record<String, UserInput> record, UserState state) {
        metrics.repeatedInput();
        String userId = record.key();
        if (state.pending()) {
            claimAndPublish(record, state.row(), state.lsn(), state.tsMs(), state.resync(), state.slotSnapshot());
            return;
        }
        SentOutputs sent = state.sent();
        if (state.deleted()) {
            if (state.username() != null) {
                usernames.release(record, userId, state.username());
            }
            if (sent.profile()) {
                forwardTombstone(record, state.lsn());
            }
        } else {
            if (state.username() != null) {
                usernames.holdAgain(record, userId, state.username());
            }
            if (sent.profile()) {
                publish(record, state.profile());
            }
        }
        if (sent.eventType() != null) {
            List<String> changed = UserEvent.UPDATED.equals(sent.eventType()) ? sent.changedFields() : null;
            context.forward(record.withValue(UserOutput.event(new UserEvent(sent.eventType(), userId, changed,
                    state.deleted() ? null : state.profile(), state.lsn(), state.tsMs()))));
        }
    }

    private void onAssignment(Record<String, UserInput> record, UsernameAssignment assignment) {
        String userId = record.key();
        String username = assignment.username();
        UserState state = states.get(userId);
        if (state == null) {
            // A username reserved in public.users for a user whose changes have not come yet: theirs to keep.
            states.put(userId, UserState.reserved(username));
            return;
        }
        if (!state.live()) {
            // Deleted while its claim was under way: give the username back.
            usernames.release(record, userId, username);
            return;
        }
        if (state.pending()) {
            UserProfile profile = ProfileNormalizer.normalize(state.row())
                    .withUsername(username, state.lsn(), state.tsMs(), state.resync());
            SentOutputs sent = publishUpdate(record, null, profile);
            states.put(userId, UserState.published(state.lsn(), state.tsMs(), state.row(), profile, state.slotSnapshot(),
                    sent));
        } else if (state.profile() == null) {
            states.put(userId, UserState.reserved(username));
        } else if (username.equals(state.username())) {
            // The same answer again: the claim was decided twice, or this assignment comes again after a crash.
            if (resendRepeats) {
                resend(record, state);
            }
        } else if (assignment.claimed()) {
            // A claim answered again with another name: a crash can bring the registry's stores back at different
            // points (the owner of the name given first lost, the hint past it kept). The user keeps the name already
            // sent and written; the second goes back. Sending it would write the row again at the same LSN.
            metrics.repeatedInput();
            usernames.release(record, userId, username);
            usernames.holdAgain(record, userId, state.username());
        } else {
            // Renamed outside the pipeline: adopt the new name and free the old one.
            usernames.release(record, userId, state.username());
            UserProfile old = state.profile();
            // At the same LSN as the row: marked as a resync, which the sink writes at the row's own LSN.
            UserProfile renamed = new UserProfile(old.id(), old.email(), username, old.fullName(), old.avatarUrl(),
                    old.provider(), old.providers(), old.emailVerified(), old.isAnonymous(), old.createdAt(),
                    old.updatedAt(), old.lastSignInAt(), old.sourceLsn(), old.sourceTsMs(), true);
            SentOutputs sent = publishUpdate(record, old, renamed);
            states.put(userId, UserState.published(state.lsn(), state.tsMs(), state.row(), renamed, state.slotSnapshot(),
                    sent));
        }
    }

    /**
     * Publishes the profile if it is new, changed visibly, or a resync; and its event if a consumer can see it.
     *
     * @return what was sent
     */
    private SentOutputs publishUpdate(Record<String, UserInput> record, UserProfile before, UserProfile after) {
        if (before == null) {
            publish(record, after);
            context.forward(record.withValue(UserOutput.event(
                    new UserEvent(UserEvent.CREATED, after.id(), null, after, after.sourceLsn(), after.sourceTsMs()))));
            return SentOutputs.profileAnd(UserEvent.CREATED, List.of());
        }
        List<String> changed = VisibleChanges.between(before, after);
        if (changed.isEmpty() && !after.resync()) {
            return SentOutputs.NOTHING;
        }
        publish(record, after);
        if (changed.isEmpty()) {
            return new SentOutputs(true, null, List.of());
        }
        context.forward(record.withValue(UserOutput.event(
                new UserEvent(UserEvent.UPDATED, after.id(), changed, after, after.sourceLsn(), after.sourceTsMs()))));
        return SentOutputs.profileAnd(UserEvent.UPDATED, changed);
    }

    private void delete(Record<String, UserInput> record, UserState state, long lsn, long tsMs) {
        String userId = record.key();
        boolean wasLive = state != null && state.live();
        String released = wasLive ? state.username() : null;
        if (released != null) {
            usernames.release(record, userId, released);
        }
        // A tombstone even for a user never seen live: a resync must leave no row behind.
        boolean tombstone = state == null || wasLive;
        if (tombstone) {
            forwardTombstone(record, lsn);
        }
        if (wasLive) {
            context.forward(record.withValue(UserOutput.event(new UserEvent(UserEvent.DELETED, userId, null, null, lsn, tsMs))));
        }
        states.put(userId, UserState.deleted(lsn, tsMs, released,
                new SentOutputs(tombstone, wasLive ? UserEvent.DELETED : null, List.of())));
    }

    private void forwardTombstone(Record<String, UserInput> record, long lsn) {
        metrics.profileOut();
        RecordHeaders headers = new RecordHeaders();
        headers.add(ProfileHeaders.SOURCE_LSN, Long.toString(lsn).getBytes(StandardCharsets.UTF_8));
        context.forward(record.withValue(UserOutput.profile(null)).withHeaders(headers));
    }

    private void publish(Record<String, UserInput> record, UserProfile profile) {
        metrics.profileOut();
        context.forward(record.withValue(UserOutput.profile(profile)));
    }
}
