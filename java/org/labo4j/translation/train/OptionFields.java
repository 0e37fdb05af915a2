package org.labo4j.translation.train;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public instance fields of an options class as named text values: set one from a command line,
 * list them all for a checkpoint or a summary. Doubles print in Java's shortest round-trip form, so
 * {@code set(name, asMap().get(name))} restores a value exactly.
 */
final class OptionFields {
    private OptionFields() {
    }

    static List<Field> of(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && !Modifier.isStatic(m)) {
                fields.add(f);
            }
        }
        return fields;
    }

    static List<String> names(Class<?> type) {
        List<String> names = new ArrayList<>();
        for (Field f : of(type)) {
            names.add(f.getName());
        }
        return names;
    }

    static Map<String, String> asMap(Object options) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Field f : of(options.getClass())) {
            try {
                map.put(f.getName(), String.valueOf(f.get(options)));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return map;
    }

    /** @throws IllegalArgumentException naming the option for an unknown name or an unparsable value */
    static void set(Object options, String name, String value) {
        Field field = null;
        for (Field f : of(options.getClass())) {
            if (f.getName().equals(name)) {
                field = f;
            }
        }
        if (field == null) {
            throw new IllegalArgumentException("unknown option '" + name + "'; known: " + names(options.getClass()));
        }
        try {
            field.set(options, parse(field.getType(), value.trim()));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option " + name + ": cannot use '" + value + "' (" + e.getMessage()
                    + ")", e);
        }
    }

    private static Object parse(Class<?> type, String text) {
        if (type == String.class) {
            return text;
        } else if (type == int.class) {
            return Integer.parseInt(text);
        } else if (type == long.class) {
            return Long.parseLong(text);
        } else if (type == double.class) {
            return Double.parseDouble(text);
        } else if (type == boolean.class) {
            if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException("expected true or false");
            }
            return Boolean.parseBoolean(text);
        } else if (type == Path.class) {
            return Path.of(text);
        }
        throw new IllegalStateException("no parser for option type " + type);
    }
}
