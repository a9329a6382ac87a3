package io.usersync.app.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Reads {@code /health} of usersync instances every 100 ms while a fault lasts and keeps, per stage, the statuses it
 * went through in order ("UP", "DOWN: reason", and "no answer" while its process does not answer), each once per
 * change.
 */
public final class HealthWatch implements AutoCloseable {

    public static final String NO_ANSWER = "no answer";

    private final Map<String, List<String>> seen = new LinkedHashMap<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            runnable -> new Thread(runnable, "chaos-health-watch"));

    private HealthWatch(Collection<UsersyncProcess> instances) {
        thread.scheduleWithFixedDelay(() -> instances.forEach(this::read), 0, 100, TimeUnit.MILLISECONDS);
    }

    public static HealthWatch start(Collection<UsersyncProcess> instances) {
        return new HealthWatch(instances);
    }

    private void read(UsersyncProcess instance) {
        Map<String, String> health;
        try {
            health = instance.health();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (health.isEmpty()) {
            record(instance.name(), NO_ANSWER);
        }
        health.forEach(this::record);
    }

    private synchronized void record(String stage, String status) {
        List<String> statuses = seen.computeIfAbsent(stage, name -> new ArrayList<>());
        if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).equals(status)) {
            statuses.add(status);
        }
    }

    /** The statuses of a stage in the order they came; an instance that never answered is known by its name. */
    public synchronized List<String> statuses(String stage) {
        return List.copyOf(seen.getOrDefault(stage, List.of()));
    }

    /** "stage: UP -> DOWN: reason -> UP; ..." for every stage watched. */
    public synchronized String describe() {
        return seen.entrySet().stream().map(entry -> entry.getKey() + ": " + String.join(" -> ", entry.getValue()))
                .collect(Collectors.joining("; "));
    }

    @Override
    public void close() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(1, TimeUnit.MINUTES);
    }
}
