package org.labo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The command line both training commands share, apart from any training. */
class TrainingArgumentsTest {
    private static final List<String> DEFAULT_LOSSES = List.of("ce", "ls");

    @Test
    void splitsRunLossCompareAndTrainingOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        TrainingArguments a = new TrainingArguments(DEFAULT_LOSSES).parse(new String[] {"--out", "runs/x",
            "--resume", "--data", "d", "--loss", "ls", "--alpha", "0.2", "--seeds", "2", "--losses", "ce,labo",
            "--train-subset", "10", "--lr", "0.1"}, options::put);
        assertEquals(Path.of("runs/x"), a.out);
        assertEquals(Path.of("d"), a.data);
        assertTrue(a.resume);
        assertEquals("ls", a.loss.loss);
        assertEquals(0.2, a.loss.alpha);
        assertEquals(2, a.seeds);
        assertEquals(List.of("ce", "labo"), a.losses);
        assertEquals(Map.of("trainSubset", "10", "lr", "0.1"), options);
    }

    @Test
    void defaultsAndHelp() {
        TrainingArguments a = new TrainingArguments(DEFAULT_LOSSES).parse(new String[] {"--help", "--bad"},
                (name, value) -> {
                    throw new AssertionError(name);
                });
        assertTrue(a.help);
        assertNull(a.out);
        assertEquals(3, a.seeds);
        assertEquals(DEFAULT_LOSSES, a.losses);
    }

    @Test
    void refusesBadArguments() {
        for (String[] args : new String[][] {{"--epochs"}, {"stray"}, {"--seeds", "x"}, {"--seeds", "0"}}) {
            assertThrows(IllegalArgumentException.class,
                    () -> new TrainingArguments(DEFAULT_LOSSES).parse(args, (name, value) -> { }),
                    String.join(" ", args));
        }
    }

    @Test
    void camelCaseOfKebabOptions() {
        assertEquals("trainSubset", TrainingArguments.camelCase("train-subset"));
        assertEquals("lr", TrainingArguments.camelCase("lr"));
    }
}
