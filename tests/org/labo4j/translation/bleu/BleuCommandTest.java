package org.labo4j.translation.bleu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BleuCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        return BleuCommand.run(args, out, err);
    }

    private List<String> out() {
        return outBytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private List<String> err() {
        return errBytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private String file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p.toString();
    }

    private void assertOneErrorLine(int rc, String... fragments) {
        assertEquals(2, rc);
        assertEquals(List.of(), out());
        assertEquals(1, err().size(), err().toString());
        for (String fragment : fragments) {
            assertTrue(err().get(0).contains(fragment), err().get(0) + " should mention " + fragment);
        }
    }

    @Test
    void printsScoreAndSignature() throws IOException {
        // Same segment as BleuTest.singleReference: (2/35)^(1/4) * 100 = 48.89.
        String hyp = file("hyp.txt", "The cat sat on the mat.\n");
        String ref = file("ref.txt", "The cat is on the mat.\n");
        assertEquals(0, run("--hyp", hyp, "--ref", ref));
        assertEquals(List.of(
                "BLEU = 48.89 85.7/66.7/40.0/25.0 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)",
                "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0"), out());
        assertEquals(List.of(), err());
    }

    @Test
    void multipleReferencesLowercaseAndTokenizer() throws IOException {
        // Papineni's example (BleuTest): lowercased, two references, 7.81 with 13a. intl tokenizes
        // these ASCII sentences the same way except that a sentence-final "." after a letter is
        // split by both, so the statistics and the score are the same.
        String hyp = file("hyp.txt", "the the the the the the the\n");
        String ref1 = file("ref1.txt", "The cat is on the mat.\n");
        String ref2 = file("ref2.txt", "There is a cat on the mat.\n");
        assertEquals(0, run("--hyp", hyp, "--ref", ref1, "--ref", ref2, "--tokenize", "intl", "--lowercase"));
        assertEquals(List.of(
                "BLEU = 7.81 28.6/8.3/5.0/3.1 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)",
                "nrefs:2|case:lc|eff:no|tok:intl|smooth:exp|version:2.6.0"), out());
    }

    @Test
    void readsGzipAndCrlfFiles() throws IOException {
        String hyp = file("hyp.txt", "a b c d\r\ne f g h\r\n");
        Path ref = dir.resolve("ref.txt.gz");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(ref))) {
            gz.write("a b c d\ne f g h\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(0, run("--hyp", hyp, "--ref", ref.toString()));
        assertEquals("BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 8 ref_len = 8)",
                out().get(0));
    }

    @Test
    void missingFile() throws IOException {
        String ref = file("ref.txt", "a\n");
        String missing = dir.resolve("nope.txt").toString();
        assertOneErrorLine(run("--hyp", missing, "--ref", ref), "hypothesis file not found", missing);
    }

    @Test
    void lineCountMismatch() throws IOException {
        String hyp = file("hyp.txt", "a\nb\nc\n");
        String ref = file("ref.txt", "a\nb\n");
        assertOneErrorLine(run("--hyp", hyp, "--ref", ref), ref, "2 lines", hyp, "3");
    }

    @Test
    void invalidUtf8NamesFileAndLine() throws IOException {
        Path hyp = dir.resolve("hyp.txt");
        Files.write(hyp, new byte[] {'o', 'k', '\n', 'b', (byte) 0xC3, '(', '\n'});
        String ref = file("ref.txt", "ok\nb\n");
        assertOneErrorLine(run("--hyp", hyp.toString(), "--ref", ref), hyp.toString(), "line 2", "UTF-8");
    }

    @Test
    void emptyHypothesisFile() throws IOException {
        String hyp = file("hyp.txt", "");
        String ref = file("ref.txt", "");
        assertOneErrorLine(run("--hyp", hyp, "--ref", ref), "is empty");
    }

    @Test
    void badArguments() throws IOException {
        String f = file("f.txt", "a\n");
        assertOneErrorLine(run(), "missing --hyp");
        outBytes.reset();
        errBytes.reset();
        assertOneErrorLine(run("--hyp", f), "missing --ref");
        outBytes.reset();
        errBytes.reset();
        assertOneErrorLine(run("--hyp", f, "--ref", f, "--tokenize", "zh"), "unknown BLEU tokenizer 'zh'");
        outBytes.reset();
        errBytes.reset();
        assertOneErrorLine(run("--hyp", f, "--ref", f, "--smooth"), "unknown argument '--smooth'");
        outBytes.reset();
        errBytes.reset();
        assertOneErrorLine(run("--hyp", "--ref", f), "--hyp needs a value");
    }

    @Test
    void pairedTestsPrintATableWithTheBaselineFirst() throws IOException {
        String ref = file("ref.txt", "the cat sat on the mat\na dog runs in the park\ntwo men play chess\n"
                + "a woman reads a book\nchildren swim in a lake\n");
        String good = file("good.txt", "the cat sat on the mat\na dog runs in a park\ntwo men play chess\n"
                + "a woman reads the book\nchildren swim in the lake\n");
        String poor = file("poor.txt", "a cat on mat\ndog park\nmen chess\nwoman book\nswim lake\n");
        assertEquals(0, run("--hyp", poor, "--hyp", good, "--hyp", poor, "--ref", ref, "--paired-bs",
                "--paired-n", "200", "--seed", "7"));
        List<String> lines = out();
        assertEquals("paired bootstrap resampling, 200 resamples, seed 7; baseline " + poor, lines.get(0));
        assertEquals("| system | BLEU | bootstrap mean ± 95% | difference | p-value |", lines.get(2));
        assertTrue(lines.get(4).startsWith("| " + poor + " (baseline) |"), lines.get(4));
        assertTrue(lines.get(5).startsWith("| " + good + " |") && lines.get(5).contains(" | +"), lines.get(5));
        assertTrue(lines.get(6).endsWith(" | +0.00 | 1.0000 |"), "the baseline against itself: " + lines.get(6));
        assertEquals("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0", lines.get(8));

        outBytes.reset();
        assertEquals(0, run("--hyp", poor, "--hyp", good, "--ref", ref, "--paired-ar"));
        assertEquals("paired approximate randomization, 10000 trials, seed 12345; baseline " + poor, out().get(0));
        assertEquals("| system | BLEU | difference | p-value |", out().get(2));
        assertEquals(6, out().get(5).split("\\|", -1).length, out().get(5));
    }

    @Test
    void pairedTestArgumentsAreChecked() throws IOException {
        String f = file("f.txt", "a b\n");
        String two = file("two.txt", "a b\nc d\n");
        String[][] cases = {
            {"--hyp", f, "--hyp", f, "--ref", f},
            {"--hyp", f, "--ref", f, "--paired-bs"},
            {"--hyp", f, "--hyp", f, "--ref", f, "--paired-bs", "--paired-ar"},
            {"--hyp", f, "--hyp", f, "--ref", f, "--paired-bs", "--paired-n", "0"},
            {"--hyp", f, "--ref", f, "--paired-n", "10"},
            {"--hyp", f, "--hyp", f, "--ref", f, "--paired-ar", "--seed", "x"},
            {"--hyp", f, "--hyp", two, "--ref", f, "--paired-ar"},
        };
        String[] fragments = {"needs --paired-bs or --paired-ar", "two or more --hyp files", "exclude each other",
            "--paired-n must be a positive integer", "--paired-n needs", "--seed must be an integer",
            "has 2 lines but"};
        for (int k = 0; k < cases.length; k++) {
            outBytes.reset();
            errBytes.reset();
            assertOneErrorLine(run(cases[k]), fragments[k]);
        }
    }

    @Test
    void help() {
        assertEquals(0, run("--help"));
        assertEquals(List.of(BleuCommand.USAGE), out());
    }
}
