package io.usersync.processor.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A deleted user's state keeps their id and the LSN of the delete, so that no older change brings them back, and the
 * username the delete released, to release it again if the delete comes again after a crash. The username is theirs
 * and leaves the state once {@code kept} has passed since the delete was committed at the source: each punctuation
 * reads every state of the task's store.
 */
final class ReleasedUsernamesForgotten implements Punctuator {

    private final KeyValueStore<String, UserState> states;
    private final Duration kept;

    ReleasedUsernamesForgotten(KeyValueStore<String, UserState> states, Duration kept) {
        this.states = states;
        this.kept = kept;
    }

    @Override
    public void punctuate(long now) {
        List<KeyValue<String, UserState>> forgotten = new ArrayList<>();
        try (KeyValueIterator<String, UserState> all = states.all()) {
            all.forEachRemaining(entry -> {
                UserState state = entry.value;
                if (state.deleted() && state.username() != null && now - state.tsMs() >= kept.toMillis()) {
                    forgotten.add(KeyValue.pair(entry.key, UserState.deleted(state.lsn(), state.tsMs(), null, state.sent())));
                }
            });
        }
        forgotten.forEach(entry -> states.put(entry.key, entry.value));
    }
}
