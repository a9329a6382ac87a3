package io.usersync.processor.deadletter;

/**
 * Counts the dead letters of Kafka Streams' handlers by reason. Streams creates the handlers itself, so the stage
 * hands one in through the Streams properties under {@link #CONFIG}, as the topology's metrics.
 */
@FunctionalInterface
public interface DeadLetterCounter {

    String CONFIG = "usersync.dead.letter.counter";

    void count(String reason);
}
