package io.usersync.processor.normalize;

/** Cleaning of free text that users and identity providers put into metadata. */
final class Text {

    static final int MAX_NAME_CODE_POINTS = 256;
    private static final int ZERO_WIDTH_JOINER = 0x200D;

    private Text() {
    }

    /**
     * Removes control and invisible formatting characters (zero-width spaces, direction overrides; the
     * zero-width joiner stays, emoji sequences need it), collapses whitespace, trims, and keeps at most
     * {@code maxCodePoints} characters without splitting a surrogate pair. Null when nothing is left.
     */
    static String clean(String text, int maxCodePoints) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxCodePoints * 2));
        int kept = 0;
        boolean pendingSpace = false;
        for (int i = 0; i < text.length() && kept < maxCodePoints; ) {
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
                if (kept + 1 >= maxCodePoints) {
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
