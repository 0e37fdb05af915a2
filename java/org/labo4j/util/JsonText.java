package org.labo4j.util;

import java.util.List;
import java.util.Map;

/**
 * Renders maps, lists, strings, numbers and booleans as indented JSON (enough for run summaries
 * without a JSON library). Non-finite numbers become {@code null}, as JSON has no NaN.
 */
public final class JsonText {
    private JsonText() {
    }

    public static String of(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.append('\n').toString();
    }

    private static void write(StringBuilder out, Object value, int indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            String separator = "\n";
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(separator).append("  ".repeat(indent + 1));
                string(out, String.valueOf(e.getKey()));
                out.append(": ");
                write(out, e.getValue(), indent + 1);
                separator = ",\n";
            }
            out.append(map.isEmpty() ? "" : "\n" + "  ".repeat(indent)).append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            String separator = "\n";
            for (Object item : list) {
                out.append(separator).append("  ".repeat(indent + 1));
                write(out, item, indent + 1);
                separator = ",\n";
            }
            out.append(list.isEmpty() ? "" : "\n" + "  ".repeat(indent)).append(']');
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            // Double.toString is the shortest exact form and is valid JSON (e.g. 0.1, 1.0E-5).
            out.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            string(out, value.toString());
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
