package io.usersync.app.adopt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The privileges of an adopted table: a table-level privilege of Supabase's roles reaches every column, those adoption
 * adds too (on Supabase anon would read every email), so each becomes the same privilege on the columns the table has.
 */
final class AdoptionPrivileges {

    static final String ANON = "anon";
    static final String AUTHENTICATED = "authenticated";
    static final String SERVICE_ROLE = "service_role";
    static final String PUBLIC = "PUBLIC";
    static final List<String> SUPABASE_ROLES = List.of(ANON, AUTHENTICATED, SERVICE_ROLE);

    /** The privileges that reach a column, so a table-level one would reach the columns adoption adds. */
    private static final List<String> COLUMN_PRIVILEGES = List.of("SELECT", "INSERT", "UPDATE", "REFERENCES");
    /** service_role reads every column, as V5 grants it; only its writes are held to the app's columns. */
    private static final List<String> SERVICE_ROLE_COLUMN_PRIVILEGES = List.of("INSERT", "UPDATE", "REFERENCES");

    private AdoptionPrivileges() {
    }

    /**
     * The table-level privileges of anon, authenticated, PUBLIC and service_role that reach every column, the
     * pipeline's included: none once the plan ran. The adoption checks this before it commits, because a revoke
     * takes away only what its own role granted.
     */
    static List<String> exposures(TableShape shape) {
        return shape.grants().stream()
                .filter(AdoptionPrivileges::reachesNewColumns)
                .map(grant -> grant.grantee() + " holds " + grant.privilege().toLowerCase() + " on all of " + shape.table()
                        + ", granted by " + grant.grantor() + ", which migrate (as " + shape.currentUser()
                        + ") cannot revoke. Fix: run migrate as " + grant.grantor() + ", or revoke it and grant it back"
                        + " on the app's columns yourself")
                .toList();
    }

    /**
     * A table-level privilege reaches every column, the ones adoption adds too: on Supabase anon would read every
     * email. Each becomes the same privilege on the columns the table has now, so the app does what it did before.
     */
    static List<AdoptionStep> steps(TableShape shape) {
        Map<String, List<TableShape.Grant>> byGrantee = new LinkedHashMap<>();
        shape.grants().stream().filter(AdoptionPrivileges::reachesNewColumns)
                .forEach(grant -> byGrantee.computeIfAbsent(grant.grantee(), g -> new ArrayList<>()).add(grant));
        String columns = shape.columns().stream().map(TableShape.Column::sqlName).collect(Collectors.joining(", "));
        String table = shape.table().qualified();
        List<AdoptionStep> steps = new ArrayList<>();
        byGrantee.forEach((grantee, grants) -> {
            String grantTo = grants.get(0).granteeSql();
            List<String> sql = new ArrayList<>();
            sql.add("revoke " + privileges(grants, null) + " on " + table + " from " + grantTo);
            if (grants.stream().anyMatch(grant -> !grant.grantable())) {
                sql.add("grant " + privileges(grants.stream().filter(grant -> !grant.grantable()).toList(), columns)
                        + " on " + table + " to " + grantTo);
            }
            if (grants.stream().anyMatch(TableShape.Grant::grantable)) {
                sql.add("grant " + privileges(grants.stream().filter(TableShape.Grant::grantable).toList(), columns)
                        + " on " + table + " to " + grantTo + " with grant option");
            }
            steps.add(new AdoptionStep(grantee + ": " + privileges(grants, null) + " on the " + shape.columns().size()
                    + " columns " + table + " has now instead of on the whole table, so the new ones stay out of its reach",
                    String.join(";\n", sql)));
        });
        return steps;
    }

    /** What adoption leaves of the table's privileges, and a warning when the email column is readable. */
    static List<String> notes(TableShape shape) {
        List<String> notes = new ArrayList<>();
        if (shape.column("email").isPresent() && shape.grants().stream().anyMatch(grant -> grant.privilege().equals("SELECT")
                && Set.of(PUBLIC, ANON, AUTHENTICATED).contains(grant.grantee()))) {
            notes.add("warning: the app's email column stays readable by whoever read it before, and the pipeline fills"
                    + " it for every user. Fix, unless the app needs that: revoke select (email) on " + shape.table()
                    + " from anon, authenticated");
        }
        shape.grants().stream()
                .filter(grant -> !SUPABASE_ROLES.contains(grant.grantee()) && !grant.grantee().equals(PUBLIC)
                        && !grant.grantee().equals(shape.owner()) && COLUMN_PRIVILEGES.contains(grant.privilege()))
                .map(TableShape.Grant::grantee).distinct()
                .forEach(role -> notes.add("leaves the table-level privileges of role " + role + " as they are: it"
                        + " reaches the pipeline's columns too"));
        return notes;
    }

    private static boolean reachesNewColumns(TableShape.Grant grant) {
        if (grant.grantee().equals(SERVICE_ROLE)) {
            return SERVICE_ROLE_COLUMN_PRIVILEGES.contains(grant.privilege());
        }
        return Set.of(PUBLIC, ANON, AUTHENTICATED).contains(grant.grantee()) && COLUMN_PRIVILEGES.contains(grant.privilege());
    }

    /** {@code select, update} or, with columns, {@code select (a, b), update (a, b)}. */
    private static String privileges(List<TableShape.Grant> grants, String columns) {
        return grants.stream()
                .map(TableShape.Grant::privilege).distinct()
                .sorted((a, b) -> COLUMN_PRIVILEGES.indexOf(a) - COLUMN_PRIVILEGES.indexOf(b))
                .map(privilege -> privilege.toLowerCase() + (columns == null ? "" : " (" + columns + ")"))
                .collect(Collectors.joining(", "));
    }
}
