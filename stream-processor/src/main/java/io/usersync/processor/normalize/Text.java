package io.usersync.processor.normalize;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Cleaning of free text that users and identity providers put into metadata. */
final class Text {

    static final int MAX_NAME_CODE_POINTS = 256;
    private static final int ZERO_WIDTH_JOINER = 0x200D;
    private static final Pattern GRAPHEME = Pattern.compile("\\X");
    /** Code points read past the limit to find the end of the cluster the limit falls in. */
    private static final int GRAPHEME_LOOKAHEAD = 32;

    private Text() {
    }

    /**
     * Removes control and invisible formatting characters (zero-width spaces, direction overrides; the
     * zero-width joiner stays, emoji sequences need it), collapses whitespace, trims, and keeps at most
     * {@code maxCodePoints} characters without splitting a character as the reader sees it (a grapheme cluster:
     * an emoji sequence, a flag, a letter with its combining marks). Null when nothing is left.
     */
    static String clean(String text, int maxCodePoints) {
        String cleaned = cleanUpTo(text, maxCodePoints + GRAPHEME_LOOKAHEAD);
        if (cleaned == null || cleaned.codePointCount(0, cleaned.length()) <= maxCodePoints) {
            return cleaned;
        }
        return wholeGraphemes(cleaned, maxCodePoints);
    }

    /**
     * The longest prefix of whole grapheme clusters of at most {@code maxCodePoints}, trimmed; a first cluster longer
     * than that (hundreds of stacked combining marks) is cut by code points.
     */
    private static String wholeGraphemes(String text, int maxCodePoints) {
        Matcher graphemes = GRAPHEME.matcher(text);
        int kept = 0;
        int end = 0;
        while (graphemes.find()) {
            int size = graphemes.group().codePointCount(0, graphemes.group().length());
            if (kept + size > maxCodePoints) {
                break;
            }
            kept += size;
            end = graphemes.end();
        }
        String cut = end > 0 ? text.substring(0, end) : text.substring(0, text.offsetByCodePoints(0, maxCodePoints));
        return cut.strip();
    }

    /** Cleans, keeping at most {@code limit} code points. */
    private static String cleanUpTo(String text, int limit) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), limit * 2));
        int kept = 0;
        boolean pendingSpace = false;
        for (int i = 0; i < text.length() && kept < limit; ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            if (Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)) {
                pendingSpace = out.length() > 0;
                continue;
            }
            int type = Character.getType(codePoint);
            if (type == Character.CONTROL || (type == Character.FORMAT && codePoint != ZERO_WIDTH_JOINER)) {
                continue;
            }
            if (pendingSpace) {
                if (kept + 1 >= limit) {
                    break;
                }
                out.append(' ');
                kept++;
                pendingSpace = false;
            }
            out.appendCodePoint(codePoint);
            kept++;
        }
        return out.length() == 0 ? null : out.toString();
    }
}
