package io.usersync.app.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Realistic sign-ups written to auth.users the way Supabase's auth server writes them: Google, GitHub,
 * email and phone users, with names drawn from a short list so that usernames collide.
 */
final class SignUps {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] FIRST = {"alice", "bob", "carol", "dave", "eve", "frank", "grace", "heidi", "ivan",
            "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe",
            "José", "Zoë", "Mégane", "Björn", "Łukasz", "Ngọc", "Søren", "admin", "support", "root"};
    private static final String[] LAST = {"smith", "jones", "garcia", "müller", "rossi", "nguyen", "kim", "silva",
            "novak", "o'brien"};
    private static final String[] DOMAINS = {"gmail.com", "outlook.com", "yahoo.com", "proton.me", "example.com"};

    private final Random random;
    private final Set<String> emails = new HashSet<>();

    SignUps(long seed) {
        this.random = new Random(seed);
    }

    /**
     * Inserts {@code count} users, each in its own transaction as sign-ups are, at {@code perSecond} at most;
     * returns their ids.
     */
    List<UUID> insert(Connection connection, int count, int perSecond) throws SQLException, InterruptedException {
        Pace pace = new Pace(perSecond);
        List<UUID> ids = new ArrayList<>(count);
        try (PreparedStatement statement = connection.prepareStatement(
                "insert into auth.users (instance_id, id, aud, role, email, phone, email_confirmed_at, phone_confirmed_at,"
                        + " raw_app_meta_data, raw_user_meta_data, created_at, updated_at, last_sign_in_at)"
                        + " values ('00000000-0000-0000-0000-000000000000', ?, 'authenticated', 'authenticated', ?, ?,"
                        + " case when ? then now() end, case when ? then now() end, ?::jsonb, ?::jsonb, now(), now(), now())")) {
            for (int i = 0; i < count; i++) {
                pace.awaitTurn(i);
                UUID id = UUID.randomUUID();
                bind(statement, id, i);
                statement.executeUpdate();
                ids.add(id);
            }
        }
        return ids;
    }

    private void bind(PreparedStatement statement, UUID id, int i) throws SQLException {
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        String name = capitalize(first) + " " + capitalize(last);
        String local = switch (random.nextInt(4)) {
            case 0 -> first;
            case 1 -> first + "." + last;
            case 2 -> first + "+" + "signup" + i;
            default -> first + random.nextInt(100);
        };
        String email = local + "@" + DOMAINS[random.nextInt(DOMAINS.length)];
        if (!emails.add(email)) {
            // auth.users allows an email once; a +tag keeps the collision for the username.
            email = local + "+" + i + "@" + DOMAINS[random.nextInt(DOMAINS.length)];
            emails.add(email);
        }
        ObjectNode user = MAPPER.createObjectNode();
        ObjectNode app = MAPPER.createObjectNode();
        String phone = null;
        boolean emailConfirmed = true;
        boolean phoneConfirmed = false;
        switch (i % 4) {
            case 0 -> {
                user.put("iss", "https://accounts.google.com").put("name", name).put("full_name", name)
                        .put("picture", "https://lh3.googleusercontent.com/a/" + id).put("email_verified", true);
                app.put("provider", "google").putArray("providers").add("google");
            }
            case 1 -> {
                user.put("user_name", first + last.length()).put("preferred_username", first)
                        .put("avatar_url", "https://avatars.githubusercontent.com/u/" + (1000 + i));
                app.put("provider", "github").putArray("providers").add("github");
            }
            case 2 -> {
                emailConfirmed = random.nextBoolean();
                app.put("provider", "email").putArray("providers").add("email");
            }
            default -> {
                email = null;
                emailConfirmed = false;
                phoneConfirmed = true;
                phone = "1555" + String.format("%07d", i);
                app.put("provider", "phone").putArray("providers").add("phone");
            }
        }
        statement.setObject(1, id);
        statement.setString(2, email);
        statement.setString(3, phone);
        statement.setBoolean(4, emailConfirmed);
        statement.setBoolean(5, phoneConfirmed);
        statement.setString(6, app.toString());
        statement.setString(7, user.toString());
    }

    private static String capitalize(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
