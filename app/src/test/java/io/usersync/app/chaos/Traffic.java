package io.usersync.app.chaos;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.usersync.schemas.testing.AuthUsersTable;

/**
 * A steady stream of sign-ups, updates (name or email) and hard deletes in auth.users, drawn from a seeded
 * {@link Random}, at a fixed rate on one thread; half the updates and deletes are of users who signed up a moment ago, so changes commit in a known order. A change the database refuses
 * (it is down) is counted and the stream goes on. A third of the users share the username base "kim" (kim, kim2, ...),
 * the others have one each; each user's base is in its metadata as {@code chaos_base}, which the pipeline ignores, so
 * a check reads it from auth.users whatever the user's email is by then.
 */
public final class Traffic implements AutoCloseable {

    private static final int RECENT = 20;
    private static final String APP_META = "{\"provider\":\"email\",\"providers\":[\"email\"]}";

    private final AuthUsersTable authUsers;
    private final Random random;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            runnable -> new Thread(runnable, "chaos-traffic"));
    private final List<UUID> signedUp = new CopyOnWriteArrayList<>();
    private final Set<UUID> deleted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger made = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    /** Confined to the traffic thread (and to the caller of {@link #signUp} before the stream starts). */
    private final List<UUID> live = new ArrayList<>();
    private final Map<UUID, String> bases = new HashMap<>();
    private final Map<UUID, String> localParts = new HashMap<>();
    private ScheduledFuture<?> running;
    private int next;

    public Traffic(AuthUsersTable authUsers, long seed) {
        this.authUsers = authUsers;
        this.random = new Random(seed);
    }

    /** Signs up {@code count} users one after the other, before the stream starts. */
    public void signUp(int count) throws SQLException {
        for (int i = 0; i < count; i++) {
            signUpNext();
        }
    }

    public synchronized void start(int changesPerSecond) {
        if (running == null) {
            running = thread.scheduleAtFixedRate(this::change, 0, 1_000_000 / changesPerSecond, TimeUnit.MICROSECONDS);
        }
    }

    /** Stops the stream after the change in progress. */
    public synchronized void pause() throws InterruptedException {
        if (running != null) {
            running.cancel(false);
            running = null;
        }
        try {
            // Runs after any change in progress, on the same thread.
            thread.submit(() -> { }).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Changes made so far; those the database refused are not counted. */
    public int made() {
        return made.get();
    }

    public int refused() {
        return refused.get();
    }

    /** Sign-ups made so far: a point in the stream for {@link #liveOfFirst}. */
    public int signUps() {
        return signedUp.size();
    }

    /** The first {@code count} users who signed up, less those deleted since. */
    public Set<UUID> liveOfFirst(int count) {
        // A sub-list of the live list fails when a sign-up lands while it is read: take a copy first.
        Set<UUID> users = new HashSet<>(List.copyOf(signedUp).subList(0, count));
        users.removeAll(deleted);
        return users;
    }

    private void change() {
        try {
            int kind = random.nextInt(10);
            if (kind < 6 || live.size() < 10) {
                signUpNext();
            } else if (kind < 9) {
                update(live.get(anyOrRecent()));
            } else {
                int index = anyOrRecent();
                authUsers.delete(live.get(index));
                deleted.add(live.remove(index));
            }
            made.incrementAndGet();
        } catch (SQLException e) {
            refused.incrementAndGet();
        }
    }

    /**
     * Half the time one of the last users to sign up: renamed or deleted while their sign-up may still be on its way
     * through the pipeline, or in what a crashed stage reads again.
     */
    private int anyOrRecent() {
        return random.nextBoolean() ? random.nextInt(live.size()) : live.size() - 1 - random.nextInt(Math.min(RECENT, live.size()));
    }

    private void signUpNext() throws SQLException {
        int n = next++;
        boolean kim = n % 3 == 0;
        String base = kim ? "kim" : "chaos_" + n;
        String localPart = kim ? "kim" : "chaos." + n;
        UUID id = authUsers.signUp(localPart + "@" + n + ".example.com", metadata(base, "Chaos " + n), APP_META);
        live.add(id);
        bases.put(id, base);
        localParts.put(id, localPart);
        signedUp.add(id);
    }

    /**
     * A new name, or a new email of the same local part: a user whose sign-up the pipeline never saw (a new snapshot
     * reads the row as it is now) gets a username of the same base.
     */
    private void update(UUID id) throws SQLException {
        int version = random.nextInt(1_000_000);
        if (random.nextBoolean()) {
            authUsers.setUserMetadata(id, metadata(bases.get(id), "Renamed " + version));
        } else {
            authUsers.setEmail(id, localParts.get(id) + "@moved" + version + ".example.org");
        }
    }

    private static String metadata(String base, String fullName) {
        return "{\"chaos_base\":\"" + base + "\",\"full_name\":\"" + fullName + "\"}";
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
