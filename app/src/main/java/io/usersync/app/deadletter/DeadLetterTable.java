package io.usersync.app.deadletter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What {@code usersync dlt list} prints: one line per dead letter, ids and codes only, never the record's value. */
public final class DeadLetterTable {

    private static final String FORMAT = "%-10s %-6s %-16s %-24s %-7s %-38s %-44s %s%n";

    private DeadLetterTable() {
    }

    public static String render(List<DeadLetterRecord> letters, Instant now) {
        StringBuilder table = new StringBuilder(String.format(FORMAT, "id", "age", "stage", "reason", "attempt", "user",
                "source", "error"));
        for (DeadLetterRecord letter : letters) {
            table.append(String.format(FORMAT, letter.id(), age(Duration.between(letter.failedAt(), now)), letter.stage(),
                    letter.reason(), letter.attempt(), letter.key() == null ? "" : letter.key(), letter.source(),
                    letter.errorClass().substring(letter.errorClass().lastIndexOf('.') + 1)));
        }
        return table.append(String.format("%d dead letters%n", letters.size())).toString();
    }

    static String age(Duration age) {
        if (age.toDays() > 0) {
            return age.toDays() + "d";
        }
        if (age.toHours() > 0) {
            return age.toHours() + "h";
        }
        return age.toMinutes() > 0 ? age.toMinutes() + "m" : Math.max(0, age.toSeconds()) + "s";
    }
}
