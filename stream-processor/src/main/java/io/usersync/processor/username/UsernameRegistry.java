package io.usersync.processor.username;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides who holds which username, on the stores of the task that owns the usernames' roots. Knows
 * nothing of records or contexts, so any processor holding the stores can decide a claim.
 *
 * <p>A claim gives the first free of {@code candidate(base, 1)}, {@code candidate(base, 2)}, ... (one the
 * claimant holds counts as free). To cost the same however many users share a base, it does not scan from
 * 1: a hint per base is the lowest suffix that may be free, with the invariant that every candidate below
 * it is held. A claim scans from the hint and moves it past the name it gives; a release lowers the hint of
 * every base the name is a candidate of; reservations and preferred names only take free names, which
 * keeps the invariant. No hint means 1, so stores written before hints existed are scanned once, then hinted.
 * A hint of 2 is not worth a record: the common claim, a base nobody had, writes no hint.
 *
 * <p>A claimant may already hold a candidate below the hint (a claim racing a reservation, a user recreated
 * under the same id while released usernames are kept): the scan from 1 would give it back, so the registry
 * must too. Holdings record, per user, the names a hint has passed while the user held them, so that case is
 * one read. A name is recorded when a claim moves a hint past it and forgotten when it is released.
 *
 * <p>Hints and holdings are stores of their own rather than key spaces inside {@code usernames}: that store
 * maps usernames, which reach it from public.users lower-cased but otherwise as written, so no prefix is
 * provably outside their alphabet; and readers of {@code usernames} see usernames only.
 */
public final class UsernameRegistry {

    /** The holder of a username kept after its user was deleted: nobody, and never a user id. */
    public static final String NOBODY = "";

    private final KeyValueStore<String, String> owners;
    private final KeyValueStore<String, Integer> hints;
    private final KeyValueStore<String, List<String>> holdings;
    private final boolean keepReleased;

    /**
     * @param owners       username -> id of the user who holds it
     * @param hints        base -> lowest suffix that may be free; absent means 1
     * @param holdings     user id -> usernames the user holds that a hint has passed
     * @param keepReleased when true, a released username stays taken, by {@link #NOBODY}
     */
    public UsernameRegistry(KeyValueStore<String, String> owners, KeyValueStore<String, Integer> hints,
            KeyValueStore<String, List<String>> holdings, boolean keepReleased) {
        this.owners = owners;
        this.hints = hints;
        this.holdings = holdings;
        this.keepReleased = keepReleased;
    }

    /**
     * Gives the user {@code preferred} if it is free or theirs, else the first free candidate of {@code base}
     * (one the user holds already counts as free).
     */
    public ClaimResult claim(String userId, String base, String preferred) {
        if (preferred != null) {
            String owner = owners.get(preferred);
            if (owner == null || owner.equals(userId)) {
                take(preferred, owner, userId);
                return new ClaimResult.Assigned(preferred, false);
            }
            String baseRoot = UsernameBase.root(base);
            if (!baseRoot.equals(UsernameBase.root(preferred))) {
                return new ClaimResult.RetryUnderRoot(baseRoot);
            }
        }
        int hint = hint(base);
        List<String> held = hint > 1 ? holdings.get(userId) : null;
        int heldBelowHint = lowestHeldBelow(held, userId, base, hint);
        if (heldBelowHint > 0) {
            return new ClaimResult.Assigned(UsernameBase.candidate(base, heldBelowHint), false);
        }
        List<String> passed = new ArrayList<>();
        List<String> passedOwners = new ArrayList<>();
        for (int n = hint; ; n++) {
            String candidate = UsernameBase.candidate(base, n);
            String owner = owners.get(candidate);
            if (owner == null || owner.equals(userId)) {
                take(candidate, owner, userId);
                if (n >= 2) {
                    hints.put(base, n + 1);
                    for (int i = 0; i < passed.size(); i++) {
                        record(passedOwners.get(i), holdings.get(passedOwners.get(i)), passed.get(i));
                    }
                    record(userId, hint > 1 ? held : holdings.get(userId), candidate);
                }
                return new ClaimResult.Assigned(candidate, n > 1 && owner == null);
            }
            passed.add(candidate);
            passedOwners.add(owner);
        }
    }

    /**
     * Frees the username if the user holds it and lowers the hint of every base it is a candidate of; true if freed.
     * When released usernames are kept, the username stays taken, held by {@link #NOBODY}: who held it is forgotten.
     */
    public boolean release(String userId, String username) {
        if (!Objects.equals(owners.get(username), userId)) {
            return false;
        }
        if (keepReleased) {
            owners.put(username, NOBODY);
            forgetHolding(userId, username);
            return false;
        }
        owners.delete(username);
        forgetHolding(userId, username);
        for (Candidacy candidacy : candidacies(username)) {
            Integer hint = hints.get(candidacy.base());
            if (hint != null && candidacy.n() < hint) {
                if (candidacy.n() == 1) {
                    hints.delete(candidacy.base());
                } else {
                    hints.put(candidacy.base(), candidacy.n());
                }
            }
        }
        return true;
    }

    private void forgetHolding(String userId, String username) {
        List<String> held = holdings.get(userId);
        if (held != null && held.remove(username)) {
            if (held.isEmpty()) {
                holdings.delete(userId);
            } else {
                holdings.put(userId, held);
            }
        }
    }

    /** Gives the user a username set outside the pipeline, if nobody else holds it. */
    public ReserveResult reserve(String userId, String username) {
        String owner = owners.get(username);
        if (owner == null) {
            owners.put(username, userId);
            return new ReserveResult.Taken(username);
        }
        return owner.equals(userId) ? new ReserveResult.AlreadyHeld() : new ReserveResult.Conflict(owner);
    }

    /** The value serde of the holdings store: a list of usernames. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Serde<List<String>> holdingsSerde() {
        // ListSerde is typed by the list's raw class; the element serde makes it a list of strings.
        return (Serde) Serdes.ListSerde(ArrayList.class, Serdes.String());
    }

    private int hint(String base) {
        Integer hint = hints.get(base);
        return hint == null ? 1 : hint;
    }

    /** The lowest n below the hint whose candidate the user holds, or 0. */
    private int lowestHeldBelow(List<String> held, String userId, String base, int hint) {
        if (held == null) {
            return 0;
        }
        int lowest = 0;
        for (String username : held) {
            for (Candidacy candidacy : candidacies(username)) {
                if (candidacy.base().equals(base) && candidacy.n() < hint && (lowest == 0 || candidacy.n() < lowest)
                        && userId.equals(owners.get(username))) {
                    lowest = candidacy.n();
                }
            }
        }
        return lowest;
    }

    private void take(String username, String owner, String userId) {
        if (owner == null) {
            owners.put(username, userId);
        }
    }

    /** Adds a username a hint has just passed to its holder's holdings, {@code held} as read from the store. */
    private void record(String userId, List<String> held, String username) {
        List<String> names = held;
        if (names == null) {
            names = new ArrayList<>(1);
        } else if (names.contains(username)) {
            return;
        }
        names.add(username);
        holdings.put(userId, names);
    }

    /** Every (base, n) with {@code candidate(base, n)} equal to the username: itself, and each split of its trailing digits. */
    static List<Candidacy> candidacies(String username) {
        List<Candidacy> candidacies = new ArrayList<>(2);
        if (!UsernameBase.RESERVED.contains(username)) {
            candidacies.add(new Candidacy(username, 1));
        }
        for (int split = username.length() - 1; split > 0 && isAsciiDigit(username.charAt(split)); split--) {
            String digits = username.substring(split);
            if (digits.charAt(0) == '0' || digits.length() > 10) {
                continue;
            }
            long n = Long.parseLong(digits);
            if (n < 2 || n > Integer.MAX_VALUE) {
                continue;
            }
            String base = username.substring(0, split);
            candidacies.add(new Candidacy(base, (int) n));
            if (n == 2 && UsernameBase.RESERVED.contains(base)) {
                candidacies.add(new Candidacy(base, 1));
            }
        }
        return candidacies;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    record Candidacy(String base, int n) {
    }
}
