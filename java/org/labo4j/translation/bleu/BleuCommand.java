package org.labo4j.translation.bleu;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.labo4j.translation.data.TextLines;

/**
 * {@code bleu --hyp FILE --ref FILE [--ref FILE ...] [--tokenize 13a|intl|none] [--lowercase]}:
 * corpus BLEU of a detokenized hypothesis file against one or more reference files, one segment a
 * line (UTF-8, gzip'd if the name ends in {@code .gz}), read as the sacreBLEU command line reads
 * them. Prints the score line and the signature line.
 */
public final class BleuCommand {
    static final String USAGE =
            "usage: bleu --hyp FILE --ref FILE [--ref FILE ...] [--tokenize 13a|intl|none] [--lowercase]";

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
        String hyp = null;
        List<String> refs = new ArrayList<>();
        String tokenize = null;
        boolean lowercase = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h":
                case "--help":
                    out.println(USAGE);
                    return 0;
                case "--hyp":
                    if (hyp != null) {
                        throw new BadInput("--hyp given twice (" + USAGE + ")");
                    }
                    hyp = value(args, ++i, arg);
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
        if (hyp == null || refs.isEmpty()) {
            throw new BadInput("missing " + (hyp == null ? "--hyp" : "--ref") + " FILE (" + USAGE + ")");
        }

        Bleu.Builder config = Bleu.builder().lowercase(lowercase);
        if (tokenize != null) {
            try {
                config.tokenize(tokenize);
            } catch (IllegalArgumentException e) {
                throw new BadInput(e.getMessage());
            }
        }

        List<String> hypotheses = readSegments(hyp, "hypothesis");
        if (hypotheses.isEmpty()) {
            throw new BadInput("hypothesis file " + hyp + " is empty");
        }
        List<List<String>> references = new ArrayList<>();
        for (String ref : refs) {
            List<String> lines = readSegments(ref, "reference");
            if (lines.size() != hypotheses.size()) {
                throw new BadInput("reference file " + ref + " has " + lines.size()
                        + " lines but hypothesis file " + hyp + " has " + hypotheses.size());
            }
            references.add(lines);
        }

        BleuScore score = config.build().corpusScore(hypotheses, references);
        out.println(score.format());
        out.println(score.signature().format());
        return 0;
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
