package org.labo4j.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.labo4j.Labo4j;

/** The {@code labo} command line: one subcommand per job. */
public final class Main {
    private static final String USAGE = """
            usage: labo <command> [options]      (labo <command> --help for its options)
              train vision    train a Fashion-MNIST classifier with the fused loss (the main job)
              compare vision  CE vs LS vs LABO with identical settings over several seeds
              train translation    train a Multi30k Transformer (--src de --tgt en, any pair of en, de, fr, cs)
              compare translation  CE vs LS vs LABO translation models over several seeds (test BLEU)
              translate   translate stdin to stdout with a translation checkpoint (--checkpoint FILE)
              loss        the fused loss and gradient of logits/targets stored as .npy files
              bleu        corpus BLEU of a hypothesis file against references (sacreBLEU-compatible)
              info        the native library: version, CPU instruction set, CUDA
            """;

    private Main() {}

    public static void main(String[] args) {
        // Translations are UTF-8 text whatever the locale's default encoding.
        final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        final int status = run(args, System.in, out, System.err);
        out.flush();
        System.exit(status);
    }

    /** {@code train TASK} and {@code compare TASK}: bad options exit 2 with one line on stderr. */
    private static int task(String verb, String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !(args[0].equals("vision") || args[0].equals("translation"))) {
            err.println("labo " + verb + ": the task must be 'vision' or 'translation'");
            return 2;
        }
        final String task = args[0];
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            if (task.equals("vision")) {
                return verb.equals("train") ? VisionCommand.train(rest, out, err) : VisionCommand.compare(rest, out, err);
            }
            return verb.equals("train") ? TranslationCommand.train(rest, out, err)
                    : TranslationComparison.run(rest, out, err);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("labo " + verb + " " + task + ": " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            err.println("labo " + verb + " " + task + ": " + e.getMessage());
            return 1;
        }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** Runs one command; {@code in} is read by {@code translate} only. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            (args.length == 0 ? err : out).print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "loss" -> LossCommand.run(rest, out, err);
            case "bleu" -> org.labo4j.translation.bleu.BleuCommand.run(rest, out, err);
            case "train", "compare" -> task(args[0], rest, out, err);
            case "translate" -> TranslateCommand.run(rest, in, out, err);
            case "info" -> {
                out.printf("labo4j native %s, CPU kernel %s, CUDA %s (%d devices)%n", Labo4j.nativeVersion(), Labo4j.cpuIsa(),
                        Labo4j.builtWithCuda() ? "built" : "not built", Labo4j.cudaDeviceCount());
                yield 0;
            }
            default -> {
                err.println("labo: unknown command '" + args[0] + "'");
                err.print(USAGE);
                yield 2;
            }
        };
    }
}
