package io.usersync.sink.deadletter;

import io.usersync.sink.batch.ProfileWrite;

/** Sends a record that can never be written to the dead-letter topic, and returns once it is stored there. */
public interface DeadLetterReporter {

    void report(ProfileWrite write, String reason, Throwable error);
}
