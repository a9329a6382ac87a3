package io.usersync.processor.normalize;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import io.usersync.schemas.cdc.AuthUserRow;

/**
 * Makes a profile out of an {@code auth.users} row and the metadata that Supabase's auth server writes
 * for Google, GitHub, email, phone and anonymous users. Metadata of the wrong type is ignored, never
 * a crash.
 */
public final class ProfileNormalizer {

    private static final int MAX_URL_LENGTH = 2048;
    private static final List<String> NAME_FIELDS_BEFORE_GIVEN = List.of("full_name", "name");
    private static final List<String> NAME_FIELDS_AFTER_GIVEN = List.of("user_name", "preferred_username");

    private ProfileNormalizer() {
    }

    public static NormalizedProfile normalize(AuthUserRow row) {
        JsonNode user = Metadata.parse("raw_user_meta_data", row.rawUserMetaData());
        JsonNode app = Metadata.parse("raw_app_meta_data", row.rawAppMetaData());
        boolean anonymous = Boolean.TRUE.equals(row.isAnonymous());
        String provider = Metadata.text(app, "provider");
        return new NormalizedProfile(
                row.id(),
                anonymous ? null : email(row.email()),
                fullName(user),
                avatarUrl(user),
                provider,
                providers(app, provider),
                row.emailConfirmedAt() != null,
                anonymous,
                row.createdAt(),
                row.updatedAt(),
                row.lastSignInAt());
    }

    static String email(String email) {
        if (email == null || email.isBlank()) {
            return null;
        }
        return email.trim().toLowerCase(Locale.ROOT);
    }

    static String fullName(JsonNode user) {
        for (String field : NAME_FIELDS_BEFORE_GIVEN) {
            String name = Text.clean(Metadata.text(user, field), Text.MAX_NAME_CODE_POINTS);
            if (name != null) {
                return name;
            }
        }
        String given = Metadata.text(user, "given_name");
        String family = Metadata.text(user, "family_name");
        if (given != null || family != null) {
            String name = Text.clean((given == null ? "" : given) + " " + (family == null ? "" : family), Text.MAX_NAME_CODE_POINTS);
            if (name != null) {
                return name;
            }
        }
        for (String field : NAME_FIELDS_AFTER_GIVEN) {
            String name = Text.clean(Metadata.text(user, field), Text.MAX_NAME_CODE_POINTS);
            if (name != null) {
                return name;
            }
        }
        return null;
    }

    static String avatarUrl(JsonNode user) {
        for (String field : List.of("avatar_url", "picture")) {
            String url = Metadata.text(user, field);
            if (url != null && isHttpUrl(url.trim())) {
                return url.trim();
            }
        }
        return null;
    }

    private static boolean isHttpUrl(String text) {
        if (text.length() > MAX_URL_LENGTH) {
            return false;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            return scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static List<String> providers(JsonNode app, String provider) {
        JsonNode providers = app.get("providers");
        List<String> list = new ArrayList<>();
        if (providers != null && providers.isArray()) {
            providers.forEach(p -> {
                if (p.isTextual() && !p.asText().isBlank()) {
                    list.add(p.asText());
                }
            });
        }
        if (list.isEmpty() && provider != null) {
            list.add(provider);
        }
        return list.isEmpty() ? null : List.copyOf(list);
    }
}
