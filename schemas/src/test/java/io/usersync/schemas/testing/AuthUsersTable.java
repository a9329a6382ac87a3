package io.usersync.schemas.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/** Writes {@code auth.users} rows as Supabase's auth server does, for tests. */
public final class AuthUsersTable {

    /** Where the rows go: any database with the auth schema. */
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector database;

    public AuthUsersTable(TestDatabase database) {
        this(database::connect);
    }

    public AuthUsersTable(Connector database) {
        this.database = database;
    }

    /** Signs up an email user with the given metadata; returns the new id. */
    public UUID signUp(String email, String userMetaJson, String appMetaJson) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = database.connect(); PreparedStatement statement = connection.prepareStatement(
                "insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, raw_app_meta_data,"
                        + " created_at, updated_at) values ('00000000-0000-0000-0000-000000000000', ?, 'authenticated',"
                        + " 'authenticated', ?, ?::jsonb, ?::jsonb, now(), now())")) {
            statement.setObject(1, id);
            statement.setString(2, email);
            statement.setString(3, userMetaJson);
            statement.setString(4, appMetaJson);
            statement.executeUpdate();
        }
        return id;
    }

    /** Signs up a Google user, with the name and picture Google's claims carry; returns the new id. */
    public UUID signUpWithGoogle(String email, String fullName, String avatarUrl) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = database.connect(); PreparedStatement statement = connection.prepareStatement(
                "insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, raw_app_meta_data,"
                        + " email_confirmed_at, created_at, updated_at) values ('00000000-0000-0000-0000-000000000000', ?,"
                        + " 'authenticated', 'authenticated', ?, jsonb_strip_nulls(jsonb_build_object('full_name', ?::text,"
                        + " 'avatar_url', ?::text)), '{\"provider\":\"google\",\"providers\":[\"google\"]}', now(), now(), now())")) {
            statement.setObject(1, id);
            statement.setString(2, email);
            statement.setString(3, fullName);
            statement.setString(4, avatarUrl);
            statement.executeUpdate();
        }
        return id;
    }

    public void setEmail(UUID id, String email) throws SQLException {
        update(id, "email = ?", email);
    }

    public void setUserMetadata(UUID id, String userMetaJson) throws SQLException {
        update(id, "raw_user_meta_data = ?::jsonb", userMetaJson);
    }

    public void softDelete(UUID id) throws SQLException {
        update(id, "deleted_at = now()", null);
    }

    public void delete(UUID id) throws SQLException {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement("delete from auth.users where id = ?")) {
            statement.setObject(1, id);
            statement.executeUpdate();
        }
    }

    private void update(UUID id, String assignment, String value) throws SQLException {
        try (Connection connection = database.connect(); PreparedStatement statement = connection.prepareStatement(
                "update auth.users set " + assignment + ", updated_at = now() where id = ?")) {
            int index = 1;
            if (value != null) {
                statement.setString(index++, value);
            }
            statement.setObject(index, id);
            statement.executeUpdate();
        }
    }
}
