package org.labo4j.train;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The public instance fields of an options class as named text values: set one from a command line,
 * list them all for a checkpoint or a summary, compare a resumed run's options with the saved ones.
 * Both training configurations are such classes, so they read, write and compare their options here.
 * Doubles print in Java's shortest round-trip form, so {@code set(name, asMap().get(name))} restores a
 * value exactly; enum constants are read case-insensitively, with '-' for '_'.
 */
public final class OptionFields {
    private OptionFields() {
    }

    /** The option fields of {@code type}, in declaration order. */
    public static List<Field> of(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && !Modifier.isStatic(m)) {
                fields.add(f);
            }
        }
        return fields;
    }

    /** Option names in declaration order, for help texts. */
    public static List<String> names(Class<?> type) {
        List<String> names = new ArrayList<>();
        for (Field f : of(type)) {
            names.add(f.getName());
        }
        return names;
    }

    /** All options of {@code options} as text, in declaration order. */
    public static Map<String, String> asMap(Object options) {
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

    /** All options of {@code options} as properties, e.g. for config.properties or a checkpoint. */
    public static Properties toProperties(Object options) {
        Properties properties = new Properties();
        asMap(options).forEach(properties::setProperty);
        return properties;
    }

    /** Sets every option named in {@code properties}; the others keep their values. */
    public static void setAll(Object options, Properties properties) {
        for (String name : names(options.getClass())) {
            String value = properties.getProperty(name);
            if (value != null) {
                set(options, name, value);
            }
        }
    }

    /**
     * The options, other than {@code ignored}, whose values differ between {@code saved} and
     * {@code current}, as "name: saved -> current" lines (empty when they agree).
     */
    public static List<String> differences(Object saved, Object current, Set<String> ignored) {
        List<String> differences = new ArrayList<>();
        Map<String, String> mine = asMap(current);
        asMap(saved).forEach((name, value) -> {
            if (!ignored.contains(name) && !value.equals(mine.get(name))) {
                differences.add(name + ": " + value + " -> " + mine.get(name));
            }
        });
        return differences;
    }

    /** @throws IllegalArgumentException naming the option for an unknown name or an unparsable value */
    public static void set(Object options, String name, String value) {
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
        } else if (type.isEnum()) {
            return enumValue(type, text);
        }
        throw new IllegalStateException("no parser for option type " + type);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> type, String text) {
        return Enum.valueOf((Class<? extends Enum>) type, text.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
