package io.usersync.app.adopt;

/**
 * One change an adoption makes to the database.
 *
 * @param description one line, for the plan
 * @param sql         what runs, in one transaction with every other step of the plan
 */
public record AdoptionStep(String description, String sql) {
}
