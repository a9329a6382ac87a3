package io.usersync.app.adopt;

import java.util.List;

import io.usersync.schemas.database.ProfileTable;

/**
 * The profile table cannot be adopted as it is, and nothing was changed; the message names each column or
 * privilege at fault and the fix.
 */
public final class AdoptionRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public AdoptionRefusedException(ProfileTable table, List<String> problems) {
        super("usersync migrate did not adopt " + table + " and changed nothing:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
