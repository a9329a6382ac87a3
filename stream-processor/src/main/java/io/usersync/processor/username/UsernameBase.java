package io.usersync.processor.username;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Derives the base of a username: from the email's local part (before any {@code +tag}), else the full
 * name, else {@code user}. Lower-case, accents folded; separators ({@code .}, {@code -}, {@code _},
 * whitespace) become one {@code _}, so {@code plain.jane} reads {@code plain_jane}; anything else outside
 * {@code [a-z0-9_]} is dropped; no leading or trailing {@code _}; 3 to 24 characters.
 * Candidates are the base, then {@code base2}, {@code base3}, ...; a reserved word never stands alone.
 *
 * <p>The rule only makes bases for users who have no username yet: a user keeps the username they were
 * given (the user-state store, and the profiles topic in a fresh deployment), even one an earlier rule made.
 */
public final class UsernameBase {

    public static final int MIN_LENGTH = 3;
    public static final int MAX_LENGTH = 24;
    public static final String FALLBACK = "user";

    static final Set<String> RESERVED = Set.of(
            "admin", "administrator", "root", "support", "api", "www", "system", "help", "info", "mail",
            "postmaster", "hostmaster", "webmaster", "security", "abuse", "noreply", "no_reply", "staff",
            "moderator", "owner", "billing", "service", "service_role", "anon", "authenticated", "supabase",
            "usersync", "null", "undefined", "me", "settings", "login", "logout", "signup", "auth");

    private static final Map<String, String> LETTERS_WITHOUT_DECOMPOSITION = Map.of(
            "ß", "ss", "æ", "ae", "ø", "o", "œ", "oe", "ł", "l", "đ", "d", "þ", "th", "ı", "i", "ð", "d");

    private UsernameBase() {
    }

    public static String of(String email, String fullName) {
        String fromEmail = fromEmail(email);
        if (fromEmail != null) {
            return fromEmail;
        }
        String fromName = sanitize(fullName);
        return fromName != null ? fromName : FALLBACK;
    }

    /** The n-th candidate for a base (n starts at 1): {@code base}, {@code base2}, ...; reserved words start at 2. */
    public static String candidate(String base, int n) {
        if (n == 1 && !RESERVED.contains(base)) {
            return base;
        }
        return base + Math.max(n, 2);
    }

    /**
     * The claims partition key of a username: itself without trailing digits. Every candidate of a base,
     * and every base that ends in digits, shares the root of the candidates it could collide with, so
     * all claims that can collide meet in one task.
     */
    public static String root(String username) {
        int end = username.length();
        while (end > 0 && Character.isDigit(username.charAt(end - 1))) {
            end--;
        }
        return username.substring(0, end);
    }

    private static String fromEmail(String email) {
        if (email == null) {
            return null;
        }
        int at = email.lastIndexOf('@');
        String local = at >= 0 ? email.substring(0, at) : email;
        int plus = local.indexOf('+');
        if (plus >= 0) {
            local = local.substring(0, plus);
        }
        return sanitize(local);
    }

    static String sanitize(String text) {
        if (text == null) {
            return null;
        }
        String folded = Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(Math.min(folded.length(), 64));
        for (int i = 0; i < folded.length() && out.length() < 4 * MAX_LENGTH; ) {
            int codePoint = folded.codePointAt(i);
            i += Character.charCount(codePoint);
            if (Character.getType(codePoint) == Character.NON_SPACING_MARK) {
                continue;
            }
            String replacement = LETTERS_WITHOUT_DECOMPOSITION.get(new String(Character.toChars(codePoint)));
            if (replacement != null) {
                out.append(replacement);
            } else if ((codePoint >= 'a' && codePoint <= 'z') || (codePoint >= '0' && codePoint <= '9')) {
                out.append((char) codePoint);
            } else if (isSeparator(codePoint) && out.length() > 0 && out.charAt(out.length() - 1) != '_') {
                out.append('_');
            }
        }
        String base = trimUnderscores(out.length() > MAX_LENGTH ? out.substring(0, MAX_LENGTH) : out.toString());
        return base.length() >= MIN_LENGTH ? base : null;
    }

    /** What separates words in a name or a local part; other punctuation is dropped without a trace. */
    private static boolean isSeparator(int codePoint) {
        return codePoint == '.' || codePoint == '-' || codePoint == '_'
                || Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
    }

    private static String trimUnderscores(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) == '_') {
            start++;
        }
        while (end > start && text.charAt(end - 1) == '_') {
            end--;
        }
        return text.substring(start, end);
    }
}
