package org.labo4j.translation.bleu;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.labo4j.translation.data.TextLines;

/**
 * {@code bleu --hyp FILE --ref FILE [--ref FILE ...] [--tokenize 13a|intl|none] [--lowercase]}:
 * corpus BLEU of a detokenized hypothesis file against one or more reference files, one segment a
 * line (UTF-8, gzip'd if the name ends in {@code .gz}), read as the sacreBLEU command line reads
 * them. Prints the score line and the signature line.
 *
 * <p>With {@code --paired-bs} or {@code --paired-ar} and two or more {@code --hyp} files, the first
 * is the baseline and every other is tested against it ({@link PairedSignificance}); the result is a
 * Markdown table.
 */
public final class BleuCommand {
    static final String USAGE =
            "usage: bleu --hyp FILE --ref FILE [--ref FILE ...] [--tokenize 13a|intl|none] [--lowercase]"
            + " [--paired-bs|--paired-ar --hyp FILE [--hyp FILE ...] [--paired-n N] [--seed S]]";

    /** Exit status for bad arguments or input. */
    static final int BAD_INPUT = 2;

    private BleuCommand() {
    }

    /** Runs the command; returns 0 on success, 2 with one line on {@code err} for bad arguments or input. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            return score(args, out);
        } catch (BadInput e) {
            err.println("bleu: " + e.getMessage());
            return BAD_INPUT;
        }
    }

    private static int score(String[] args, PrintStream out) throws BadInput {
        List<String> hyps = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        String tokenize = null;
        boolean lowercase = false;
        PairedSignificance.Method paired = null;
        Integer trials = null;
        long seed = PairedSignificance.DEFAULT_SEED;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h":
                case "--help":
                    out.println(USAGE);
                    return 0;
                case "--hyp":
                    hyps.add(value(args, ++i, arg));
                    break;
                case "--paired-bs":
                case "--paired-ar":
                    PairedSignificance.Method m = arg.equals("--paired-bs")
                            ? PairedSignificance.Method.PAIRED_BOOTSTRAP
                            : PairedSignificance.Method.APPROXIMATE_RANDOMIZATION;
                    if (paired != null && paired != m) {
                        throw new BadInput("--paired-bs and --paired-ar exclude each other");
                    }
                    paired = m;
                    break;
                case "--paired-n":
                    trials = positiveInt(value(args, ++i, arg), arg);
                    break;
                case "--seed":
                    seed = longValue(value(args, ++i, arg), arg);
                    break;
                case "--ref":
                    refs.add(value(args, ++i, arg));
                    break;
                case "--tokenize":
                    if (tokenize != null) {
                        throw new BadInput("--tokenize given twice (" + USAGE + ")");
                    }
                    tokenize = value(args, ++i, arg);
                    break;
                case "--lowercase":
                    lowercase = true;
                    break;
                default:
                    throw new BadInput("unknown argument '" + arg + "' (" + USAGE + ")");
            }
        }
        if (hyps.isEmpty() || refs.isEmpty()) {
            throw new BadInput("missing " + (hyps.isEmpty() ? "--hyp" : "--ref") + " FILE (" + USAGE + ")");
        }
        if (paired == null && (hyps.size() > 1 || trials != null)) {
            throw new BadInput(hyps.size() > 1 ? "--hyp given twice: comparing systems needs --paired-bs or --paired-ar"
                    : "--paired-n needs --paired-bs or --paired-ar");
        }
        if (paired != null && hyps.size() < 2) {
            throw new BadInput("a paired test needs two or more --hyp files: the baseline first, then the systems");
        }

        Bleu.Builder config = Bleu.builder().lowercase(lowercase);
        if (tokenize != null) {
            try {
                config.tokenize(tokenize);
            } catch (IllegalArgumentException e) {
                throw new BadInput(e.getMessage());
            }
        }

        List<List<String>> hypotheses = new ArrayList<>();
        for (String hyp : hyps) {
            List<String> lines = readSegments(hyp, "hypothesis");
            if (lines.isEmpty()) {
                throw new BadInput("hypothesis file " + hyp + " is empty");
            }
            if (!hypotheses.isEmpty() && lines.size() != hypotheses.get(0).size()) {
                throw new BadInput("hypothesis file " + hyp + " has " + lines.size() + " lines but " + hyps.get(0)
                        + " has " + hypotheses.get(0).size());
            }
            hypotheses.add(lines);
        }
        int segments = hypotheses.get(0).size();
        List<List<String>> references = new ArrayList<>();
        for (String ref : refs) {
            List<String> lines = readSegments(ref, "reference");
            if (lines.size() != segments) {
                throw new BadInput("reference file " + ref + " has " + lines.size()
                        + " lines but hypothesis file " + hyps.get(0) + " has " + segments);
            }
            references.add(lines);
        }

        Bleu bleu = config.build();
        if (paired == null) {
            BleuScore score = bleu.corpusScore(hypotheses.get(0), references);
            out.println(score.format());
            out.println(score.signature().format());
        } else {
            out.print(pairedTable(bleu, paired, trials != null ? trials : paired.defaultTrials(), seed, hyps,
                    hypotheses, references));
        }
        return 0;
    }

    /** The baseline's row, then one row per system with its difference and p-value. */
    private static String pairedTable(Bleu bleu, PairedSignificance.Method method, int trials, long seed,
                                      List<String> names, List<List<String>> hypotheses,
                                      List<List<String>> references) {
        PairedSignificance test = new PairedSignificance(bleu, hypotheses.get(0), references);
        boolean bootstrap = method == PairedSignificance.Method.PAIRED_BOOTSTRAP;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s, %d %s, seed %d; baseline %s%n%n", method.description(), trials,
                bootstrap ? "resamples" : "trials", seed, names.get(0)));
        sb.append(bootstrap ? "| system | BLEU | bootstrap mean ± 95% | difference | p-value |\n"
                + "| --- | ---: | ---: | ---: | ---: |\n"
                : "| system | BLEU | difference | p-value |\n| --- | ---: | ---: | ---: |\n");
        PairedSignificance.Outcome first = null;
        for (int k = 1; k < hypotheses.size(); k++) {
            PairedSignificance.Outcome o = test.compare(hypotheses.get(k), method, trials, seed);
            if (first == null) {
                first = o;
                sb.append(row(names.get(0) + " (baseline)", o.baseline(), o.baselineEstimate(), "", ""));
            }
            sb.append(row(names.get(k), o.system(), o.systemEstimate(),
                    String.format(Locale.ROOT, "%+.2f", o.difference()), String.format(Locale.ROOT, "%.4f", o.pValue())));
        }
        sb.append(String.format(Locale.ROOT, "%n%s%n", first.baseline().signature().format()));
        return sb.toString();
    }

    private static String row(String name, BleuScore score, PairedSignificance.Estimate estimate, String difference,
                              String p) {
        String mean = estimate == null ? "" : String.format(Locale.ROOT, " %.2f ± %.2f |", estimate.mean(),
                estimate.halfWidth95());
        return String.format(Locale.ROOT, "| %s | %.2f |%s %s | %s |%n", name, score.score(), mean, difference, p);
    }

    private static int positiveInt(String text, String option) throws BadInput {
        try {
            int v = Integer.parseInt(text);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInput(option + " must be a positive integer, got '" + text + "'");
    }

    private static long longValue(String text, String option) throws BadInput {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new BadInput(option + " must be an integer, got '" + text + "'");
        }
    }

    /** Lines right-trimmed as sacreBLEU's command line does; an empty line is an empty segment. */
    private static List<String> readSegments(String name, String role) throws BadInput {
        List<String> lines;
        try {
            lines = TextLines.read(Path.of(name));
        } catch (NoSuchFileException e) {
            throw new BadInput(role + " file not found: " + name);
        } catch (IOException e) {
            // TextLines' messages start with the file name and give the line where it matters.
            throw new BadInput(role + " file " + e.getMessage());
        } catch (RuntimeException e) {
            throw new BadInput(role + " file " + name + ": " + e.getMessage());
        }
        List<String> segments = new ArrayList<>(lines.size());
        for (String line : lines) {
            segments.add(PyStrings.rstrip(line));
        }
        return segments;
    }

    private static String value(String[] args, int i, String option) throws BadInput {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new BadInput(option + " needs a value (" + USAGE + ")");
        }
        return args[i];
    }

    /** A problem with the arguments or the input files, reported as one line. */
    private static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }
}
