package io.usersync.processor.topology;

import java.util.List;

import io.usersync.schemas.profile.UserEvent;

/**
 * What the processor sent for the change a user's state is at: its profile (or tombstone) or not, and its event.
 * At least once, a crash can leave that state in Kafka without the outputs, and the change then comes again; the
 * processor sends what this says a second time instead of ignoring the change, so nothing is lost.
 *
 * @param profile       the profile or tombstone was sent
 * @param eventType     the type of the event sent ({@link UserEvent#CREATED}, ...), null if none
 * @param changedFields the changed fields of an updated event; empty otherwise
 */
record SentOutputs(boolean profile, String eventType, List<String> changedFields) {

    static final SentOutputs NOTHING = new SentOutputs(false, null, List.of());

    private static final List<String> EVENT_TYPES = List.of(UserEvent.CREATED, UserEvent.UPDATED, UserEvent.DELETED);

    SentOutputs {
        changedFields = List.copyOf(changedFields);
    }

    static SentOutputs profileAnd(String eventType, List<String> changedFields) {
        return new SentOutputs(true, eventType, changedFields);
    }

    /** One number: bit 0 the profile, bits 1-2 the event type (0 none), then the changed fields' bits. */
    long encode() {
        int type = eventType == null ? 0 : EVENT_TYPES.indexOf(eventType) + 1;
        return (long) VisibleChanges.mask(changedFields) << 3 | type << 1 | (profile ? 1 : 0);
    }

    static SentOutputs decode(long code) {
        int type = (int) (code >>> 1 & 0b11);
        if (type > EVENT_TYPES.size() || code >>> 3 > Integer.MAX_VALUE) {
            throw BinaryReader.corrupt("unknown sent outputs " + code);
        }
        return new SentOutputs((code & 1) != 0, type == 0 ? null : EVENT_TYPES.get(type - 1),
                VisibleChanges.names((int) (code >>> 3)));
    }
}
