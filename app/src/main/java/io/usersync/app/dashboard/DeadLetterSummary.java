package io.usersync.app.dashboard;

import java.time.Instant;
import java.util.UUID;

import io.usersync.app.deadletter.DeadLetterRecord;

/**
 * What the dashboard shows of one dead letter: where it is, which stage refused it and why, and where it came
 * from. Never its value, its error message or a key that is not a user id: those may quote personal data.
 */
record DeadLetterSummary(String id, String stage, String reason, String errorClass, String sourceTopic,
        String sourcePartition, String sourceOffset, String userId, Instant failedAt) {

    static DeadLetterSummary of(DeadLetterRecord record) {
        return new DeadLetterSummary(record.id(), record.stage(), record.reason(), simpleName(record.errorClass()),
                record.sourceTopic(), record.sourcePartition(), record.sourceOffset(), userIdOrNull(record.key()),
                record.failedAt());
    }

    /** The key when it is a user id; a key that is anything else is input that may hold anything. */
    static String userIdOrNull(String key) {
        if (key == null) {
            return null;
        }
        try {
            return UUID.fromString(key).toString().equals(key.toLowerCase()) ? key.toLowerCase() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
