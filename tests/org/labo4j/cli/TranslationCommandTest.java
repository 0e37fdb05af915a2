package org.labo4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.labo4j.translation.data.Multi30k;

/**
 * {@code labo train translation} end to end on a tiny subset, then {@code labo translate} with the
 * checkpoint it wrote; and the translation commands' refusal of bad options.
 */
class TranslationCommandTest {
    @TempDir
    Path dir;

    private static CommandRun run(String stdin, String... args) {
        return CommandRun.of(stdin, args);
    }

    /** About 10 s on an idle 2-core machine, 50 s under heavy load; the timeout only guards against a hang. */
    @Test
    @Timeout(300)
    void trainsTwoEpochsThenTranslatesWithTheCheckpoint() throws IOException {
        Multi30k corpus = Multi30k.atDefaultLocation();
        assumeTrue(Files.isDirectory(corpus.directory()), "Multi30k not found at " + corpus.directory());
        Path run = dir.resolve("de-en");
        CommandRun trained = run("", "train", "translation", "--src", "de", "--tgt", "en", "--epochs", "2",
                "--limit-train", "120", "--limit-valid", "6", "--limit-test", "3", "--vocab", "400", "--model", "tiny",
                "--max-tokens", "400", "--loss", "labo", "--kappa", "0.5", "--beam", "2", "--seed", "5",
                "--threads", "1", "--progress-seconds", "0", "--data", corpus.directory().toString(),
                "--out", run.toString());
        assertEquals(0, trained.status(), trained.err());
        assertTrue(trained.out().contains("test BLEU"), trained.out());
        assertTrue(trained.err().contains("loss share of step time"), trained.err());
        for (String file : List.of("checkpoint.pt", "metrics.csv", "curves.png", "final-metrics.json", "bpe.txt",
                "config.properties", "test-greedy.hyp", "test-beam2.hyp")) {
            assertTrue(Files.isRegularFile(run.resolve(file)), file + " missing");
        }
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(3, metrics.size(), "header and two epochs: " + metrics);
        assertTrue(metrics.get(2).startsWith("2,"), metrics.get(2));
        for (String file : List.of("epoch-weights/epoch-001.pt", "epoch-weights/epoch-002.pt",
                "averaged/test-greedy.hyp", "averaged/test-beam2.hyp", "averaged/test-bleu.txt")) {
            assertTrue(Files.isRegularFile(run.resolve(file)), file + " missing");
        }
        assertTrue(trained.err().contains("average of the last 2 epochs' weights"), trained.err());
        byte[] png = Arrays.copyOf(Files.readAllBytes(run.resolve("curves.png")), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, png);
        assertEquals(3, Files.readAllLines(run.resolve("test-greedy.hyp")).size());
        String summary = Files.readString(run.resolve("final-metrics.json"));
        assertTrue(summary.contains("\"signature\": \"nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:"),
                summary);
        assertTrue(summary.contains("\"test_averaged\": {"), summary);
        assertTrue(summary.contains("\"hypotheses\": \"averaged/test-greedy.hyp\""), summary);
        assertTrue(summary.contains("\"epochs_averaged\": 2"), summary);

        String input = "Ein Mann fährt Fahrrad.\nZwei Hunde spielen im Schnee.\nEine Frau liest ein Buch.\n";
        Path checkpoint = run.resolve("checkpoint.pt");
        for (String beam : List.of("1", "3")) {
            CommandRun translated = run(input, "translate", "--checkpoint", checkpoint.toString(), "--beam", beam,
                    "--threads", "1");
            assertEquals(0, translated.status(), translated.err());
            assertEquals(3, translated.out().lines().count(), "beam " + beam + ": " + translated.out());
        }
        CommandRun averaged = run(input, "translate", "--checkpoint", checkpoint.toString(), "--average-last", "2",
                "--threads", "1");
        assertEquals(0, averaged.status(), averaged.err());
        assertEquals(3, averaged.out().lines().count(), averaged.out());
        CommandRun tooMany = run(input, "translate", "--checkpoint", checkpoint.toString(), "--average-last", "3");
        assertEquals(2, tooMany.status(), tooMany.err());
        assertTrue(tooMany.err().contains("keeps the weights of 2 epoch(s)"), tooMany.err());
        CommandRun withBlank = run("Ein Hund.\n\nEine Katze.\n", "translate", "--checkpoint", checkpoint.toString());
        assertEquals(0, withBlank.status(), withBlank.err());
        assertEquals("", withBlank.out().lines().toList().get(1), "a blank line stays blank");
        assertEquals(3, withBlank.out().lines().count());
    }

    /** About 10 s on an idle 2-core machine, 40 s under heavy load; the timeout only guards against a hang. */
    @Test
    @Timeout(300)
    void comparesTheThreeLossesWithIdenticalSettings() throws IOException {
        Multi30k corpus = Multi30k.atDefaultLocation();
        assumeTrue(Files.isDirectory(corpus.directory()), "Multi30k not found at " + corpus.directory());
        Path root = dir.resolve("compare");
        CommandRun compared = run("", "compare", "translation", "--src", "en", "--tgt", "de", "--seeds", "1",
                "--epochs", "2", "--average-last", "2", "--limit-train", "60", "--limit-valid", "4",
                "--limit-test", "2", "--vocab", "400",
                "--model", "tiny", "--max-tokens", "400", "--beam", "1", "--valid-bleu", "false", "--plots", "false",
                "--threads", "1", "--progress-seconds", "0", "--data", corpus.directory().toString(),
                "--out", root.toString());
        assertEquals(0, compared.status(), compared.err());
        String table = Files.readString(root.resolve("compare.md"));
        assertEquals(table, compared.out().substring(compared.out().indexOf("Multi30k")));
        List<String> rows = table.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| loss")
                && !l.startsWith("| ---")).toList();
        assertEquals(3, rows.size(), table);
        assertTrue(rows.get(0).startsWith("| cross-entropy") && rows.get(1).startsWith("| label-smoothing")
                && rows.get(2).startsWith("| labo"), table);
        assertTrue(table.contains("| loss | BLEU greedy | averaged: BLEU greedy | val NLL |"), table);
        for (String row : rows) {
            assertEquals(6, row.split("\\|", -1).length - 2, row);  // loss, 2 BLEU, NLL, s/epoch, share
        }
        assertTrue(Files.isRegularFile(root.resolve("compare-bleu.png")));
        for (String run : List.of("ce-seed1", "ls-seed1", "labo-seed1")) {
            assertTrue(Files.isRegularFile(root.resolve(run).resolve("final-metrics.json")), run);
        }
    }

    /**
     * Each of the seven directions the project reports on trains, tests and writes its run with one command:
     * one epoch on 40 pairs, so that a missing language file, a script the tokenizer mishandles or a
     * direction-specific path fails here rather than an hour into a real run. About 3 s per direction.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"en, de", "de, en", "en, fr", "fr, en", "en, cs", "cs, en", "de, fr"})
    @Timeout(300)
    void everyDirectionTrainsWithOneCommand(String src, String tgt) throws IOException {
        Multi30k corpus = Multi30k.atDefaultLocation();
        assumeTrue(Files.isDirectory(corpus.directory()), "Multi30k not found at " + corpus.directory());
        Path run = dir.resolve(src + "-" + tgt);
        CommandRun trained = run("", "train", "translation", "--src", src, "--tgt", tgt, "--epochs", "1",
                "--limit-train", "40", "--limit-valid", "3", "--limit-test", "2", "--vocab", "400", "--model", "tiny",
                "--max-tokens", "400", "--beam", "1", "--average-last", "0", "--plots", "false", "--threads", "1",
                "--progress-seconds", "0", "--data", corpus.directory().toString(), "--out", run.toString());
        assertEquals(0, trained.status(), trained.err());
        assertTrue(trained.out().startsWith("labo") && trained.out().contains("test BLEU"), trained.out());
        assertTrue(trained.err().contains(src + " -> " + tgt + ","), trained.err());
        assertEquals(2, Files.readAllLines(run.resolve("test-greedy.hyp")).size());
        String summary = Files.readString(run.resolve("final-metrics.json"));
        assertTrue(summary.contains("\"pair\": \"" + src + "-" + tgt + "\""), summary);
    }

    @Test
    void badOptionsExitWithStatusTwoAndOneLine() {
        String out = dir.resolve("run").toString();
        String checkpoint = dir.resolve("none.pt").toString();
        for (String[] args : new String[][] {
            {"train", "translation"},
            {"train", "translation", "--src", "de", "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "xx", "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "de", "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "en", "--loss", "focal", "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "en", "--loss", "ce", "--alpha", "0.1", "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "en", "--loss", "labo", "--kappa", "1.5", "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "en", "--loss", "ls", "--kappa", "0.5", "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "en", "--loss", "labo", "--loss-impl", "libtorch",
                "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "en", "--loss-impl", "cuda", "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "en", "--model", "huge", "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "en", "--vocab", "100", "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "en", "--max-tokens", "0", "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "en", "--epochs", "many", "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "en", "--no-such-option", "1", "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "en", "--device", "gpu", "--out", out},
            {"train", "translation", "--src", "de", "--tgt", "en", "--epochs"},
            {"train", "translation", "stray", "--src", "de", "--tgt", "en"},
            {"compare", "translation", "--src", "de", "--tgt", "en", "--losses", "ce,unknown", "--out", out},
            {"compare", "translation", "--src", "de", "--tgt", "en", "--seeds", "0", "--out", out},
            {"train", "speech", "--src", "de", "--tgt", "en"},
            {"translate"},
            {"translate", "--checkpoint", checkpoint, "--beam", "0"},
            {"translate", "--checkpoint", checkpoint, "--length-penalty", "-1"},
            {"translate", "--checkpoint", checkpoint, "--frobnicate", "1"},
            {"translate", "--checkpoint", checkpoint, "--device", "gpu"},
            {"translate", "--checkpoint"},
        }) {
            CommandRun outcome = run("", args);
            assertEquals(2, outcome.status(), String.join(" ", args) + " -> " + outcome.err());
            String message = outcome.err().strip();
            assertEquals(1, message.lines().count(), () -> String.join(" ", args) + " -> " + message);
            assertTrue(message.startsWith("labo "), message);
        }
        assertTrue(Files.notExists(dir.resolve("run")), "no option error may start a run");
    }

    /** Where libtorch has no CUDA device, --device cuda is refused before any data is read. */
    @Test
    void cudaWithoutADeviceIsRefusedUpFront() {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.bytedeco.pytorch.global.torch.cuda_is_available());
        CommandRun outcome = run("", "train", "translation", "--src", "de", "--tgt", "en", "--device", "cuda:0",
                "--out", dir.resolve("cuda-run").toString());
        assertEquals(2, outcome.status(), outcome.err());
        String message = outcome.err().strip();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains("device cuda:0") && message.contains("no usable CUDA device"), message);
        assertTrue(Files.notExists(dir.resolve("cuda-run")), "no run directory for a refused run");
        CommandRun translate = run("Hallo\n", "translate", "--checkpoint", dir.resolve("none.pt").toString(), "--device", "cuda");
        assertEquals(2, translate.status(), translate.err());
        assertTrue(translate.err().contains("no usable CUDA device"), translate.err());
    }

    @Test
    void aMissingCheckpointIsAnErrorNotACrash() {
        CommandRun outcome = run("Hallo\n", "translate", "--checkpoint", dir.resolve("none.pt").toString());
        assertEquals(1, outcome.status());
        assertEquals(1, outcome.err().strip().lines().count(), outcome.err());
        assertTrue(outcome.err().contains("none.pt"), outcome.err());
    }

    @Test
    void helpListsTheOptions() {
        CommandRun help = run("", "train", "translation", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--kappa") && help.out().contains("--limit-train"), help.out());
        assertTrue(run("", "translate", "--help").out().contains("--checkpoint"));
        assertTrue(run("", "--help").out().contains("train translation"));
    }
}
