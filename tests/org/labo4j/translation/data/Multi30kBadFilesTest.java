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

/** A Multi30k layout written to a temporary directory, broken in one way per test. */
class Multi30kBadFilesTest {
    @TempDir
    Path dir;

    private Path gz(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(content);
        }
        return p;
    }

    private Path gz(String name, String content) throws IOException {
        return gz(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertMentions(Exception e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), e.getMessage() + " should mention " + fragment);
        }
    }

    @Test
    void readsAWellFormedLayout() throws IOException {
        gz("val.en.gz", "A dog runs.\nTwo cats.\n");
        gz("val.de.gz", "Ein Hund rennt.\nZwei Katzen.\n");
        List<SentencePair> pairs = new Multi30k(dir).pairs(Multi30kSplit.VALIDATION, Language.DE, Language.EN);
        assertEquals(List.of(new SentencePair("Ein Hund rennt.", "A dog runs."),
                new SentencePair("Zwei Katzen.", "Two cats.")), pairs);
    }

    @Test
    void plainFileIsUsedWhenThereIsNoGzip() throws IOException {
        gz("val.en.gz", "A dog runs.\n");
        Files.writeString(dir.resolve("val.fr"), "Un chien court.\n");
        List<SentencePair> pairs = new Multi30k(dir).pairs(Multi30kSplit.VALIDATION, Language.EN, Language.FR);
        assertEquals(List.of(new SentencePair("A dog runs.", "Un chien court.")), pairs);
    }

    @Test
    void mismatchedLineCounts() throws IOException {
        Path en = gz("train.en.gz", "a\nb\nc\n");
        Path de = gz("train.de.gz", "a\nb\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Multi30k(dir).pairs(Multi30kSplit.TRAIN, Language.EN, Language.DE));
        assertMentions(e, en.toString(), "3 lines", de.toString(), "has 2", "line 3 of " + en);
    }

    @Test
    void emptyFile() throws IOException {
        gz("train.en.gz", "a\n");
        Path de = gz("train.de.gz", "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Multi30k(dir).pairs(Multi30kSplit.TRAIN, Language.EN, Language.DE));
        assertEquals(de + ": file is empty", e.getMessage());
    }

    @Test
    void blankLine() throws IOException {
        Path en = gz("train.en.gz", "a\n  \nc\n");
        gz("train.de.gz", "a\nb\nc\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Multi30k(dir).pairs(Multi30kSplit.TRAIN, Language.EN, Language.DE));
        assertEquals(en + ", line 2: blank sentence", e.getMessage());
    }

    @Test
    void missingFile() throws IOException {
        gz("test_2016_flickr.en.gz", "a\n");
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> new Multi30k(dir).pairs(Multi30kSplit.TEST_2016_FLICKR, Language.EN, Language.CS));
        assertMentions(e, dir.resolve("test_2016_flickr.cs.gz").toString(), Multi30kLocation.PROPERTY);
    }

    @Test
    void invalidUtf8() throws IOException {
        gz("val.en.gz", "a\nb\n");
        // Line 2 holds 0xC3 followed by '(' : an invalid two-byte sequence at byte 1.
        Path cs = gz("val.cs.gz", new byte[] {'a', '\n', (byte) 0xC3, '(', '\n'});
        IOException e = assertThrows(IOException.class,
                () -> new Multi30k(dir).pairs(Multi30kSplit.VALIDATION, Language.EN, Language.CS));
        assertEquals(cs + ", line 2: invalid UTF-8 at byte 1 of the line", e.getMessage());
    }
}
