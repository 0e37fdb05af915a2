package org.labo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code labo loss} end to end on .npy files: JSON out, gradient file, and exit status 2 on bad input. */
class LossCommandTest {
    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A hand-written int64 .npy file (the writer in Npy only writes float32). */
    private static void writeInt64(Path file, long[] v) throws IOException {
        final String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (" + v.length + ",), }";
        final String header = dict + " ".repeat(64 - (10 + dict.length() + 1) % 64) + "\n";
        final ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (long x : v) {
            b.putLong(x);
        }
        Files.write(file, b.array());
    }

    @Test
    void crossEntropyOfKnownLogits() throws IOException {
        final Path logits = dir.resolve("z.npy");
        final Path targets = dir.resolve("y.npy");
        final Path grad = dir.resolve("g.npy");
        Npy.writeFloat32(logits, new float[] {0, 0, 0, 0, 2, 1, 0, 0}, 2, 4);
        writeInt64(targets, new long[] {1, 0});
        final Result r = run("loss", "--logits", logits.toString(), "--targets", targets.toString(), "--regularizer", "ce",
                "--grad-out", grad.toString());
        assertEquals(0, r.status(), r.err());
        final Matcher m = Pattern.compile("\"loss\": ([0-9.eE+-]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        // row 1: log 4; row 2: log(e^2 + e + 2) - 2
        final double expected = (Math.log(4) + Math.log(Math.exp(2) + Math.E + 2) - 2) / 2;
        assertEquals(expected, Double.parseDouble(m.group(1)), 1e-6);
        final Npy.Array g = Npy.read(grad);
        assertEquals("<f4", g.descr());
        assertEquals(8, g.elements());
        assertEquals((0.25 - 1) / 2, g.data().getFloat(4), 1e-7);
    }

    @Test
    void badInputExitsWithStatusTwoAndOneLine() throws IOException {
        final Path logits = dir.resolve("z.npy");
        final Path targets = dir.resolve("y.npy");
        Npy.writeFloat32(logits, new float[] {0, 1, 2, 3}, 2, 2);
        writeInt64(targets, new long[] {0, 7});
        for (String[] args : new String[][] {
            {"loss", "--logits", logits.toString(), "--targets", targets.toString()},                        // target 7 >= V
            {"loss", "--logits", logits.toString()},                                                          // no targets
            {"loss", "--logits", dir.resolve("missing.npy").toString(), "--targets", targets.toString()},     // missing file
            {"loss", "--logits", targets.toString(), "--targets", targets.toString()},                        // wrong dtype
            {"loss", "--logits", logits.toString(), "--targets", targets.toString(), "--alpha", "1.5"},       // alpha out of range
            {"loss", "--logits", logits.toString(), "--targets", targets.toString(), "--budget", "2"},        // kappa out of range
            {"loss", "--logits", logits.toString(), "--targets", targets.toString(), "--temperature", "-1"},  // T <= 0
            {"loss", "--logits", logits.toString(), "--targets", targets.toString(), "--reduction", "avg"},
        }) {
            final Result r = run(args);
            assertEquals(2, r.status(), String.join(" ", args) + " -> " + r.out());
            assertEquals(1, r.err().strip().lines().count(), "one line on stderr: " + r.err());
        }
        final Path garbage = dir.resolve("garbage.npy");
        Files.writeString(garbage, "not numpy");
        assertEquals(2, run("loss", "--logits", garbage.toString(), "--targets", targets.toString()).status());
    }
}
