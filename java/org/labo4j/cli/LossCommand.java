package org.labo4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.labo4j.LabelRegularizer;
import org.labo4j.LossOutput;
import org.labo4j.Reduction;

/**
 * {@code labo loss}: the fused loss on logits and targets stored as {@code .npy} files; prints one JSON
 * object on stdout. Exit status 2 with one line on stderr for bad input.
 */
public final class LossCommand {
    static final String USAGE = """
            usage: labo loss --logits FILE.npy --targets FILE.npy [options]
              --logits FILE        float32 [N, V] logits
              --targets FILE       int64 [N] targets
              --random NxV         instead of files: Gaussian logits (std 2) and uniform targets
              --seed S             seed of --random (default 0)
              --regularizer R      ce | ls | labo (default labo)
              --alpha A            smoothing weight in [0, 1) (default 0.1 for ls and labo)
              --temperature T      LABO fixed temperature T > 0
              --budget K           LABO budget kappa in [0, 1] (default 0.5 when no temperature is given)
              --ignore-index I     target value of ignored rows (default -100)
              --reduction R        mean | sum | none (default mean)
              --grad-out FILE      write d loss / d logits as float32 [N, V]
              --loss-out FILE      write per-row losses as float32 [N]
            """;

    private LossCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        final Options o;
        try {
            o = Options.parse(args);
        } catch (UsageException e) {
            err.println("labo loss: " + e.getMessage());
            return 2;
        }
        if (o.help) {
            out.print(USAGE);
            return 0;
        }
        try {
            final Tensor logits;
            final Tensor targets;
            if (o.random != null) {
                final long[] nv = o.randomShape();
                org.bytedeco.pytorch.global.torch.manual_seed(o.seed);
                logits = torch.randn(nv).mul_(new org.bytedeco.pytorch.Scalar(2.0));
                targets = torch.randint(nv[1], new long[] {nv[0]}, new TensorOptions(ScalarType.Long));
            } else {
                logits = readLogits(o.logits);
                targets = readTargets(o.targets);
            }
            final LabelRegularizer regularizer = o.regularizer();
            final LossOutput result = regularizer.forwardBackward(logits, targets, false, true);
            final LossOutput perRow = regularizer.withReduction(Reduction.NONE).forward(logits, targets, false);
            if (o.gradOut != null) {
                Npy.writeFloat32(o.gradOut, toFloats(result.grad()), logits.size(0), logits.size(1));
            }
            if (o.lossOut != null) {
                Npy.writeFloat32(o.lossOut, toFloats(perRow.loss()), logits.size(0));
            }
            out.println(json(regularizer, logits, result));
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            err.println("labo loss: " + e.getMessage());
            return 2;
        }
    }

    private static String json(LabelRegularizer r, Tensor logits, LossOutput result) {
        final float[] temps = toFloats(result.temperature());
        final float[] entropy = toFloats(result.entropy());
        final String loss = r.reduction() == Reduction.NONE ? arrayJson(toFloats(result.loss())) : number(result.lossValue());
        return String.format(Locale.ROOT,
                "{\"loss\": %s, \"regularizer\": \"%s\", \"rows\": %d, \"vocab\": %d, \"mean_temperature\": %s, \"mean_entropy\": %s}",
                loss, r, logits.size(0), logits.size(1), number(finiteMean(temps)), number(finiteMean(entropy)));
    }

    private static double finiteMean(float[] v) {
        double s = 0;
        int n = 0;
        for (float x : v) {
            if (Float.isFinite(x)) {
                s += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.9g", v) : "null";
    }

    private static String arrayJson(float[] v) {
        final StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(number(v[i]));
        }
        return sb.append(']').toString();
    }

    static Tensor readLogits(Path file) throws IOException {
        final Npy.Array a = Npy.read(file);
        if (!a.descr().equals("<f4")) {
            throw new IllegalArgumentException("--logits " + file + ": dtype " + a.descr() + " must be float32 (<f4)");
        }
        if (a.shape().length != 2) {
            throw new IllegalArgumentException("--logits " + file + ": shape " + java.util.Arrays.toString(a.shape()) + " must be [N, V]");
        }
        final float[] values = new float[(int) a.elements()];
        a.data().asFloatBuffer().get(values);
        return torch.from_blob(new FloatPointer(values), a.shape()).clone();
    }

    static Tensor readTargets(Path file) throws IOException {
        final Npy.Array a = Npy.read(file);
        if (!a.descr().equals("<i8")) {
            throw new IllegalArgumentException("--targets " + file + ": dtype " + a.descr() + " must be int64 (<i8)");
        }
        if (a.shape().length != 1) {
            throw new IllegalArgumentException("--targets " + file + ": shape " + java.util.Arrays.toString(a.shape()) + " must be [N]");
        }
        final long[] values = new long[(int) a.elements()];
        final ByteBuffer data = a.data();
        data.asLongBuffer().get(values);
        return torch.from_blob(new LongPointer(values), a.shape(), new TensorOptions(ScalarType.Long)).clone();
    }

    static float[] toFloats(Tensor t) {
        final Tensor f = t.to(ScalarType.Float).contiguous();
        final float[] v = new float[(int) f.numel()];
        f.data_ptr_float().get(v);
        return v;
    }

    /** Thrown for a malformed command line. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private static final class Options {
        Path logits;
        Path targets;
        Path gradOut;
        Path lossOut;
        String random;
        long seed;
        final LossChoice lossChoice = new LossChoice();
        Reduction reduction = Reduction.MEAN;
        boolean help;

        static Options parse(String[] args) throws UsageException {
            final Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                final String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    o.help = true;
                    return o;
                }
                if (i + 1 >= args.length) {
                    throw new UsageException(a.startsWith("--") ? a + " needs a value" : "unexpected argument " + a);
                }
                final String v = args[++i];
                switch (a) {
                    case "--logits" -> o.logits = Path.of(v);
                    case "--targets" -> o.targets = Path.of(v);
                    case "--grad-out" -> o.gradOut = Path.of(v);
                    case "--loss-out" -> o.lossOut = Path.of(v);
                    case "--regularizer" -> o.lossChoice.loss = v;
                    case "--random" -> o.random = v;
                    case "--seed" -> o.seed = (long) number(a, v);
                    case "--alpha", "--temperature", "--budget" -> o.lossChoice.accept(a, String.valueOf(number(a, v)));
                    case "--ignore-index" -> o.lossChoice.ignoreIndex = (long) number(a, v);
                    case "--reduction" -> o.reduction = switch (v) {
                        case "mean" -> Reduction.MEAN;
                        case "sum" -> Reduction.SUM;
                        case "none" -> Reduction.NONE;
                        default -> throw new UsageException("--reduction " + v + " must be mean, sum or none");
                    };
                    default -> throw new UsageException("unknown option " + a + " (see labo loss --help)");
                }
            }
            if (o.random == null && (o.logits == null || o.targets == null)) {
                throw new UsageException("--logits and --targets (or --random NxV) are required (see labo loss --help)");
            }
            return o;
        }

        private static double number(String option, String v) throws UsageException {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new UsageException(option + " " + v + " is not a number");
            }
        }

        long[] randomShape() {
            final String[] parts = random.toLowerCase(Locale.ROOT).split("x");
            try {
                if (parts.length == 2) {
                    final long n = Long.parseLong(parts[0].trim());
                    final long v = Long.parseLong(parts[1].trim());
                    if (n >= 1 && v >= 2 && n * v <= (1L << 31)) {
                        return new long[] {n, v};
                    }
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--random " + random + " must be NxV with N >= 1, V >= 2, N*V <= 2^31");
        }

        LabelRegularizer regularizer() {
            return lossChoice.regularizer().withReduction(reduction);
        }
    }
}
