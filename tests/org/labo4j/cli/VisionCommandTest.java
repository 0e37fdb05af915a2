package org.labo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labo4j.vision.data.SyntheticDataset;

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
            {"train", "vision", "--device", "gpu", "--out", out},
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

    /** Where libtorch has no CUDA device, --device cuda is refused before the run directory is made. */
    @Test
    void cudaWithoutADeviceIsRefusedUpFront() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.bytedeco.pytorch.global.torch.cuda_is_available());
        final Path data = SyntheticDataset.write(Files.createDirectories(dir.resolve("data")), 40, 20, 5);
        final Path out = dir.resolve("cuda-run");
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "train", "vision", "--device", "cuda", "--data", data.toString(), "--out", out.toString(),
                "--epochs", "1", "--validation-size", "10"));
        final String message = err.toString(StandardCharsets.UTF_8).strip();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains("device cuda:0") && message.contains("no usable CUDA device"), message);
        assertFalse(Files.exists(out), "no run directory for a refused run");
    }

    /**
     * {@code compare vision} of {@code losses} for one seed and one epoch on a small synthetic set, into
     * {@code dir/name}, with {@code extra} options; asserts that it succeeds.
     */
    private Path compareOneEpoch(String name, String losses, String... extra) throws IOException {
        final Path data = SyntheticDataset.write(Files.createDirectories(dir.resolve("data-" + name)), 120, 40, 5);
        final Path out = dir.resolve(name);
        final List<String> args = new ArrayList<>(List.of("compare", "vision", "--data", data.toString(),
                "--out", out.toString(), "--losses", losses, "--seeds", "1", "--epochs", "1", "--validation-size", "40",
                "--batch-size", "20", "--threads", "1", "--progress-seconds", "0"));
        args.addAll(List.of(extra));
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(err, args.toArray(String[]::new)), () -> err.toString(StandardCharsets.UTF_8));
        return out;
    }

    /** compare trains every loss per seed and writes the table, the charts and LABO's own pictures. */
    @Test
    void compareWritesTableChartsAndLaboReports() throws IOException {
        final Path out = compareOneEpoch("compare", "ce,labo-budget");
        for (String file : new String[] {"compare.md", "compare-accuracy.png", "compare-ece.png",
            "labo-budget-seed1/labo-temperatures.png", "labo-budget-seed1/metrics.csv", "ce-seed1/metrics.csv"}) {
            assertTrue(Files.size(out.resolve(file)) > 0, file);
        }
        assertFalse(Files.exists(out.resolve("ce-seed1/labo-temperatures.png")), "no temperatures for cross-entropy");
        final String table = Files.readString(out.resolve("compare.md"));
        assertTrue(table.contains("| cross-entropy |") && table.contains("temperature=budget(0.5)) |"), table);
    }

    /** --plots false: no picture at all, LABO's smoothing pictures and compare's bar charts included. */
    @Test
    void plotsFalseWritesNoPictures() throws IOException {
        final Path out = compareOneEpoch("no-plots", "labo-budget", "--plots", "false");
        assertTrue(Files.size(out.resolve("labo-budget-seed1/metrics.csv")) > 0);
        assertTrue(Files.size(out.resolve("compare.md")) > 0);
        try (var files = Files.walk(out)) {
            final var pictures = files.filter(f -> f.toString().endsWith(".png")).toList();
            assertTrue(pictures.isEmpty(), pictures.toString());
        }
    }

    @Test
    void usageListsTheLossOptions() {
        assertTrue(VisionCommand.usage().contains("--loss"));
    }
}
