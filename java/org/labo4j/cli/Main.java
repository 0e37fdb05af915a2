package org.labo4j.cli;

import java.io.PrintStream;
import java.util.Arrays;

import org.labo4j.Labo4j;

/** The {@code labo} command line: one subcommand per job. */
public final class Main {
    private static final String USAGE = """
            usage: labo <command> [options]      (labo <command> --help for its options)
              train vision    train a Fashion-MNIST classifier with the fused loss (the main job)
              compare vision  CE vs LS vs LABO with identical settings over several seeds
              loss        the fused loss and gradient of logits/targets stored as .npy files
              bleu        corpus BLEU of a hypothesis file against references (sacreBLEU-compatible)
              info        the native library: version, CPU instruction set, CUDA
            """;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** {@code train TASK} and {@code compare TASK}: bad options exit 2 with one line on stderr. */
    private static int task(String verb, String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !args[0].equals("vision")) {
            err.println("labo " + verb + ": the task must be 'vision' (translation is not available yet)");
            return 2;
        }
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return verb.equals("train") ? VisionCommand.train(rest, out, err) : VisionCommand.compare(rest, out, err);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("labo " + verb + " vision: " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            err.println("labo " + verb + " vision: " + e.getMessage());
            return 1;
        }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            (args.length == 0 ? err : out).print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "loss" -> LossCommand.run(rest, out, err);
            case "bleu" -> org.labo4j.translation.bleu.BleuCommand.run(rest, out, err);
            case "train", "compare" -> task(args[0], rest, out, err);
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
