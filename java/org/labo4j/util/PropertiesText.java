package org.labo4j.util;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Properties rendered as text in either of the two forms {@link Properties#store} writes: as it is
 * ({@code store(Writer)}), or with every non-ASCII character escaped ({@code store(OutputStream)}).
 * Vision runs have always used the first, translation runs the second; both read back the same.
 */
public final class PropertiesText {
    private PropertiesText() {
    }

    /** The text {@code Properties.store(Writer, comment)} writes ({@code comment} may be null). */
    public static String of(Properties properties, String comment) {
        StringWriter writer = new StringWriter();
        try {
            properties.store(writer, comment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return writer.toString();
    }

    /** The text {@code Properties.store(OutputStream, comment)} writes: ASCII, non-ASCII characters escaped. */
    public static String ascii(Properties properties, String comment) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            properties.store(bytes, comment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }
}
