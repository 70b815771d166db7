package dev.sliceflow.local.cli;

/**
 * How {@code query} and {@code demo} show one SQL value: one value on one line, and no two different values alike.
 * SQL NULL is {@code NULL}, bare; a string is always in single quotes, so the text {@code 'NULL'}, {@code ''} and
 * {@code ' '} stay apart from NULL and from each other; inside the quotes {@code \} and {@code '} are escaped and so is
 * every control character ({@code \n}, {@code \r}, {@code \t}, else {@code \u001b}), so a value cannot move the cursor
 * or forge a line. Other values (numbers, booleans, dates, timestamps, JSON) are shown as the driver prints them.
 */
final class Cells {
    static final String NULL = "NULL";

    private Cells() {
    }

    /**
     * @param maxWidth characters at most; a longer rendering is cut and ends with {@code cut}, without its closing quote
     */
    static String render(Object value, int maxWidth, String cut) {
        String shown = value == null ? NULL : value instanceof String text ? quoted(text) : escaped(value.toString());
        return shown.length() > maxWidth ? shown.substring(0, Math.max(1, maxWidth - cut.length())) + cut : shown;
    }

    private static String quoted(String text) {
        return "'" + escaped(text).replace("'", "\\'") + "'";
    }

    private static String escaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
