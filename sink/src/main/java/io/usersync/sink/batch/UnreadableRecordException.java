package io.usersync.sink.batch;

import java.io.IOException;

/** A record of the profiles topic the sink must not write; {@link #kind()} says why. Its message quotes no value. */
public final class UnreadableRecordException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why a record cannot be written. */
    public enum Kind {
        /** The value is not a profile with an id and a username. */
        NOT_A_PROFILE,
        /** The key, the user id, is missing or not a UUID. */
        KEY_NOT_A_UUID,
        /** A tombstone without a readable source LSN header. */
        TOMBSTONE_WITHOUT_LSN
    }

    private final Kind kind;

    public UnreadableRecordException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
