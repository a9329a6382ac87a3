package io.usersync.processor.topology;

import static io.usersync.schemas.cdc.AuthUserRow.UNAVAILABLE_VALUE;

import io.usersync.schemas.cdc.AuthUserRow;

/**
 * Replaces Debezium's unchanged-TOAST placeholder with the last known value of the column, so the
 * placeholder never reaches a profile. With no last known value the column is taken as null.
 */
final class ToastMerge {

    private ToastMerge() {
    }

    static AuthUserRow merge(AuthUserRow row, AuthUserRow previous) {
        AuthUserRow last = previous != null ? previous : new AuthUserRow(null, null, null, null, null, null, null, null,
                null, null, null, null, null);
        return new AuthUserRow(
                row.id(),
                pick(row.email(), last.email()),
                pick(row.phone(), last.phone()),
                pick(row.rawAppMetaData(), last.rawAppMetaData()),
                pick(row.rawUserMetaData(), last.rawUserMetaData()),
                pick(row.emailConfirmedAt(), last.emailConfirmedAt()),
                pick(row.phoneConfirmedAt(), last.phoneConfirmedAt()),
                pick(row.lastSignInAt(), last.lastSignInAt()),
                pick(row.createdAt(), last.createdAt()),
                pick(row.updatedAt(), last.updatedAt()),
                pick(row.deletedAt(), last.deletedAt()),
                row.isAnonymous(),
                row.isSsoUser());
    }

    private static String pick(String value, String last) {
        return UNAVAILABLE_VALUE.equals(value) ? last : value;
    }
}
