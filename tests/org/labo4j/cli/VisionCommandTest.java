package org.labo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vision commands refuse bad options with status 2 and one line, before any training starts. */
class VisionCommandTest {
    @TempDir
    Path dir;

    private static int run(ByteArrayOutputStream err, String... args) {
        return Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void badOptionsExitWithStatusTwo() {
        final String out = dir.resolve("run").toString();
        for (String[] args : new String[][] {
            {"train", "vision", "--loss", "focal", "--out", out},
            {"train", "vision", "--loss", "ce", "--alpha", "0.1", "--out", out},
            {"train", "vision", "--loss", "labo", "--budget", "1.5", "--out", out},
            {"train", "vision", "--loss", "labo", "--temperature", "0", "--out", out},
            {"train", "vision", "--loss", "labo", "--loss-impl", "libtorch", "--out", out},
            {"train", "vision", "--no-such-option", "1", "--out", out},
            {"train", "vision", "--epochs"},
            {"compare", "vision", "--losses", "ce,unknown", "--out", out},
            {"train", "translation"},
        }) {
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(2, run(err, args), String.join(" ", args));
            final String message = err.toString(StandardCharsets.UTF_8).strip();
            assertEquals(1, message.lines().count(), () -> String.join(" ", args) + " -> " + message);
        }
    }

    @Test
    void camelCaseOfKebabOptions() {
        assertEquals("trainSubset", VisionCommand.camelCase("train-subset"));
        assertEquals("lr", VisionCommand.camelCase("lr"));
        assertTrue(VisionCommand.usage().contains("--loss"));
    }
}
