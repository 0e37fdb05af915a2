package org.labo4j.translation.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextLinesTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void splitsOnNewlineOnly() throws IOException {
        // \r\n loses its \r; a lone \r, U+2028 and U+0085 stay inside the line.
        Path p = write("a.txt", "one\r\ntwo\rstill two\u2028and\u0085two\nlast".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("one", "two\rstill two\u2028and\u0085two", "last"), TextLines.read(p));
    }

    @Test
    void trailingNewlineDoesNotAddALineButBlankLinesCount() throws IOException {
        assertEquals(List.of("a", ""), TextLines.read(write("b.txt", "a\n\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of(), TextLines.read(write("c.txt", new byte[0])));
    }

    @Test
    void readsGzipByName() throws IOException {
        Path p = dir.resolve("d.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write("Zwei Männer\nein Hund\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(List.of("Zwei Männer", "ein Hund"), TextLines.read(p));
    }

    @Test
    void invalidUtf8NamesFileLineAndByte() throws IOException {
        // Line 3 has a lone continuation byte 0x80 as its 4th byte.
        Path p = write("e.txt", new byte[] {'a', '\n', 'b', '\n', 'x', 'y', 'z', (byte) 0x80, '\n'});
        IOException e = assertThrows(IOException.class, () -> TextLines.read(p));
        assertEquals(p + ", line 3: invalid UTF-8 at byte 4 of the line", e.getMessage());
    }

    @Test
    void truncatedSequenceAtEndOfLineIsInvalid() throws IOException {
        // 0xE2 0x80 starts a 3-byte sequence that the newline cuts short.
        Path p = write("f.txt", new byte[] {'a', (byte) 0xE2, (byte) 0x80, '\n'});
        IOException e = assertThrows(IOException.class, () -> TextLines.read(p));
        assertTrue(e.getMessage().contains("line 1: invalid UTF-8 at byte 2"), e.getMessage());
    }

    @Test
    void missingFileAndCorruptGzipNameTheFile() throws IOException {
        Path missing = dir.resolve("missing.txt");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TextLines.read(missing));
        assertEquals(missing.toString(), e.getFile());

        Path corrupt = write("g.gz", "not gzip".getBytes(StandardCharsets.UTF_8));
        IOException c = assertThrows(IOException.class, () -> TextLines.read(corrupt));
        assertTrue(c.getMessage().startsWith(corrupt.toString()), c.getMessage());
    }
}
