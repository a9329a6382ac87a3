package io.usersync.app.reconcile;

import java.util.List;

/**
 * What reconcile found, by kind, with the user ids of each.
 *
 * @param missing  users in auth.users (older than the grace period) with no row in public.users
 * @param orphaned rows in public.users whose user is gone from auth.users, or deleted there
 * @param drifted  rows whose synced fields differ from what normalizing the current auth.users row gives
 */
public record DriftReport(List<String> missing, List<String> orphaned, List<String> drifted) {

    public DriftReport {
        missing = List.copyOf(missing);
        orphaned = List.copyOf(orphaned);
        drifted = List.copyOf(drifted);
    }

    public int total() {
        return missing.size() + orphaned.size() + drifted.size();
    }

    /** A readable report, listing at most {@code maxIds} ids of each kind. */
    public String format(int maxIds) {
        StringBuilder out = new StringBuilder();
        out.append(total() == 0 ? "reconcile: public.users matches auth.users\n"
                : "reconcile: " + total() + " users out of step\n");
        line(out, "missing in public.users", missing, maxIds);
        line(out, "in public.users, not in auth.users", orphaned, maxIds);
        line(out, "fields differ from auth.users", drifted, maxIds);
        return out.toString();
    }

    private static void line(StringBuilder out, String label, List<String> ids, int maxIds) {
        out.append(String.format("  %-36s %8d%n", label, ids.size()));
        ids.stream().limit(maxIds).forEach(id -> out.append("      ").append(id).append('\n'));
        if (ids.size() > maxIds) {
            out.append("      ... and ").append(ids.size() - maxIds).append(" more\n");
        }
    }
}
