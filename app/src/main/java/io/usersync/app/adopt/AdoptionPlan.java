package io.usersync.app.adopt;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.usersync.schemas.database.ProfileTable;

/**
 * How {@code usersync migrate} takes over a profile table the app made ({@code public.users}, or another name such as
 * {@code public.profiles} through {@code USERSYNC_TABLE}): the changes, in order, and what it leaves as it is. Made
 * from the catalog alone ({@link TableShape}); a table it cannot take over is refused as a whole, before anything
 * changes.
 *
 * <p>The app keeps every row, column, foreign key, constraint, index, policy and trigger of its own. None of the
 * pipeline's checks (V1's username format, V5's reserved words, name length, avatar URL) is added: a row the app
 * wrote that breaks one would fail every later update of it, the pipeline's included.
 *
 * @param table          the table adopted
 * @param steps          the changes, run in one transaction
 * @param notes          what is taken over or left alone, and why
 * @param writerTriggers triggers on {@code auth.users} that write the table too, for the operator to drop
 *                       once the pipeline streams
 */
public record AdoptionPlan(ProfileTable table, List<AdoptionStep> steps, List<String> notes,
        List<TableShape.Trigger> writerTriggers) {

    public AdoptionPlan {
        steps = List.copyOf(steps);
        notes = List.copyOf(notes);
        writerTriggers = List.copyOf(writerTriggers);
    }

    /**
     * The plan for this table.
     *
     * @throws AdoptionRefusedException naming every column or setting that stops the adoption, with its fix
     */
    public static AdoptionPlan of(TableShape shape) {
        List<String> problems = problems(shape);
        if (!problems.isEmpty()) {
            throw new AdoptionRefusedException(shape.table(), problems);
        }
        String table = shape.table().qualified();
        List<AdoptionStep> steps = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (!shape.usersyncSchemaExists()) {
            steps.add(new AdoptionStep("creates schema usersync for the pipeline's own tables, as migration V1 does",
                    "create schema if not exists usersync"));
        }
        if (!shape.heartbeatExists()) {
            steps.add(new AdoptionStep("creates usersync.capture_heartbeat, as migration V1 does",
                    "create table if not exists usersync.capture_heartbeat (id int primary key, beat_at timestamptz not null)"));
        }
        for (PipelineColumn pipeline : PipelineColumn.values()) {
            shape.column(pipeline.column()).ifPresentOrElse(
                    existing -> notes.add(takenOver(pipeline, existing)),
                    () -> steps.add(new AdoptionStep("adds " + pipeline.column() + " " + pipeline.definition(),
                            "alter table " + table + " add column if not exists " + pipeline.column() + " "
                                    + pipeline.definition())));
        }
        usernameIndex(shape, steps, notes);
        steps.addAll(AdoptionPrivileges.steps(shape));
        notes.addAll(AdoptionPrivileges.notes(shape));
        currentUserEmail(shape, steps, notes);
        if (!shape.markedAdopted()) {
            steps.add(new AdoptionStep("marks schema usersync as adopted, so that a migrate cut short goes on adopting",
                    "comment on schema usersync is '" + TableAdoption.marker(shape.table()).replace("'", "''") + "'"));
        }
        notes.add("keeps every row, column, foreign key, constraint, index, policy and trigger of the app's, and adds none"
                + " of the pipeline's checks (username format, reserved words, name length, avatar URL), which rows the"
                + " app wrote would fail at their next update");
        return new AdoptionPlan(shape.table(), steps, notes, shape.writerTriggers());
    }

    /** The plan as {@code migrate} prints it. */
    public String describe(boolean applied) {
        StringBuilder text = new StringBuilder(applied ? "adopted " : "migrate would adopt ").append(table).append(":\n");
        for (int i = 0; i < steps.size(); i++) {
            AdoptionStep step = steps.get(i);
            text.append(String.format("  %d. %s%n", i + 1, step.description()));
            (step.sql() + ";").lines().forEach(line -> text.append("       ").append(line).append('\n'));
        }
        notes.forEach(note -> text.append("  - ").append(note).append('\n'));
        return text.toString();
    }

    /** What the operator does next when the app's own trigger fills the table; empty when none does. */
    public String cutOver() {
        StringBuilder text = new StringBuilder();
        for (TableShape.Trigger trigger : writerTriggers) {
            text.append("cut-over: trigger ").append(trigger.name()).append(" on auth.users (").append(trigger.function())
                    .append(") writes ").append(table).append(" too; migrate leaves it in place.\n")
                    .append("  1. run `usersync run` until it streams (a new sign-up's row gets its email)\n")
                    .append("  2. drop trigger ").append(trigger.sqlName()).append(" on auth.users;\n")
                    .append("  A sign-up made while both are active gets its row from the trigger and its auth fields"
                            + " from the pipeline, once.\n");
        }
        return text.toString();
    }

    private static List<String> problems(TableShape shape) {
        String table = shape.table().qualified();
        List<String> problems = new ArrayList<>();
        if (!Set.of("r", "p").contains(shape.relationKind())) {
            problems.add(table + " is not a table (relkind " + shape.relationKind() + "): the pipeline writes rows"
                    + " into it. Fix: make " + table + " a table, or move the app's relation to another name");
            return problems;
        }
        if (!shape.ownedByCurrentUser()) {
            problems.add(table + " belongs to " + shape.owner() + ", and only its owner may add columns. Fix: run"
                    + " migrate as " + shape.owner() + " (USERSYNC_DB_USER)");
        }
        shape.column("id").ifPresentOrElse(id -> {
            if (!id.typeName().equals("uuid")) {
                problems.add("id is " + id.type() + ", not uuid: the pipeline keys each row by auth.users.id. Fix: alter"
                        + " table " + table + " alter column id type uuid using id::uuid (if it holds auth.users ids)");
            }
        }, () -> problems.add(table + " has no id column: the pipeline keys each row by auth.users.id. Fix: alter"
                + " table " + table + " add column id uuid, fill it with auth.users ids, then add primary key (id)"));
        if (shape.column("id").isPresent() && !shape.idUnique()) {
            problems.add("id has no primary key or unique constraint: the pipeline upserts on it (insert ... on conflict"
                    + " (id)). Fix: alter table " + table + " add primary key (id)");
        }
        for (TableShape.Column column : shape.columns()) {
            PipelineColumn.named(column.name()).ifPresentOrElse(
                    pipeline -> problems.addAll(pipelineColumnProblems(table, pipeline, column)),
                    () -> {
                        if (!column.name().equals("id") && column.notNull() && !column.filledByDatabase()) {
                            problems.add(column.name() + " is NOT NULL without a default: the pipeline inserts rows"
                                    + " without it. Fix: alter table " + table + " alter column " + column.sqlName()
                                    + " set default <value> (or drop not null)");
                        }
                    });
        }
        return problems;
    }

    private static List<String> pipelineColumnProblems(String table, PipelineColumn pipeline, TableShape.Column column) {
        List<String> problems = new ArrayList<>();
        String fix = " Fix: alter table " + table + " rename column " + column.sqlName() + " to <another name>, or alter"
                + " column " + column.sqlName() + " type " + pipeline.sqlType();
        if (!pipeline.type().accepts(column)) {
            problems.add(column.name() + " is " + column.type() + ": the pipeline writes " + pipeline.sqlType()
                    + " into it." + fix);
        } else if (!column.writable()) {
            problems.add(column.name() + " is generated: the pipeline writes it. Fix: alter table " + table
                    + " rename column " + column.sqlName() + " to <another name>");
        } else if (column.notNull() && pipeline.writesNull()) {
            problems.add(column.name() + " is NOT NULL: the pipeline writes null into it for some users. Fix: alter"
                    + " table " + table + " alter column " + column.sqlName() + " drop not null");
        }
        return problems;
    }

    private static String takenOver(PipelineColumn pipeline, TableShape.Column existing) {
        String note = "takes over " + existing.name() + " (" + existing.type() + "): " + pipeline.holds();
        if (existing.typeName().equals("varchar") && existing.typmod() >= 0) {
            note += "; a longer value fails its write and goes to the dead letters";
        }
        return note;
    }

    private static void usernameIndex(TableShape shape, List<AdoptionStep> steps, List<String> notes) {
        String index = TableShape.usernameLowerIndex(shape.table());
        if (shape.usernameLowerIndexExists()) {
            notes.add("keeps index " + index + ", which exists");
        } else if (shape.usernamesDifferingInCase() > 0) {
            notes.add("does not add the unique index " + index + " on lower(username): "
                    + shape.usernamesDifferingInCase() + " lower-cased usernames are held by more than one row; the"
                    + " app's own unique constraints stay");
        } else {
            steps.add(new AdoptionStep("adds the unique index " + index + ": no two usernames differing only in"
                    + " case, as the pipeline hands them out",
                    "create unique index if not exists " + index + " on " + shape.table() + " (lower(username))"));
        }
    }

    /**
     * V5's function, on the adopted table, so that migration V11 finds it as it finds V5's on public.users and moves its
     * body to schema usersync; an app's own function of that name stays the app's, V11 included.
     */
    private static void currentUserEmail(TableShape shape, List<AdoptionStep> steps, List<String> notes) {
        if (shape.currentUserEmailExists()) {
            notes.add("keeps the app's public.current_user_email()");
            return;
        }
        if (!shape.authUidExists()) {
            return;
        }
        List<String> sql = new ArrayList<>();
        sql.add("""
                create function public.current_user_email() returns text
                    language sql stable
                    security definer
                    set search_path = ''
                as $$
                    select u.email from %s u where u.id = auth.uid()
                $$""".formatted(shape.table()));
        List<String> revokeFrom = new ArrayList<>(List.of("public"));
        AdoptionPrivileges.SUPABASE_ROLES.stream().filter(shape.roles()::contains).forEach(revokeFrom::add);
        sql.add("revoke all on function public.current_user_email() from " + String.join(", ", revokeFrom));
        if (shape.roles().contains(AdoptionPrivileges.AUTHENTICATED)) {
            sql.add("grant execute on function public.current_user_email() to authenticated");
        }
        steps.add(new AdoptionStep("creates public.current_user_email(), as migration V5 does: a signed-in user's own"
                + " email, which no role reads from the table (migration V11 then moves its body to schema usersync)",
                String.join(";\n", sql)));
    }
}
