package org.labo4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.labo4j.train.CpuThreads;
import org.labo4j.train.TrainingDevice;
import org.labo4j.translation.decode.DecodingOptions;
import org.labo4j.translation.decode.LengthPenalty;
import org.labo4j.translation.train.EpochWeights;
import org.labo4j.translation.train.SentenceTranslation;
import org.labo4j.translation.train.TranslationCheckpoint;
import org.labo4j.translation.train.TranslationTrainConfig;

/**
 * {@code labo translate --checkpoint FILE}: source sentences on stdin, one a line, to detokenized
 * translations on stdout, one a line (an empty line stays empty). The checkpoint carries the model
 * and its vocabulary; beam size and length penalty default to those the run was tested with.
 */
final class TranslateCommand {
    /** Lines read and translated together, so output starts before the input ends. */
    private static final int CHUNK = 256;

    private TranslateCommand() {}

    static String usage() {
        return """
                usage: labo translate --checkpoint FILE [--average-last N] [--beam K] [--length-penalty A]
                                      [--batch N] [--threads N] [--device D] < source.txt > translations.txt
                  --average-last N    translate with the average of the run's last N epoch weights
                                      (epoch-weights/ next to the checkpoint)
                  --beam K            1: greedy decoding (default: the run's test beam)
                  --length-penalty A  GNMT exponent for beam search (default: the run's)
                  --batch N           sentences decoded together (default 64 greedy, 16 with a beam)
                  --threads N         libtorch threads (default: all cores)
                  --device D          cpu, cuda or cuda:N (default cpu; cuda needs libtorch's CUDA build)
                """;
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Path checkpoint = null;
        Integer beam = null;
        Double lengthPenalty = null;
        Integer batch = null;
        int averageLast = 0;
        int threads = Runtime.getRuntime().availableProcessors();
        TrainingDevice device = TrainingDevice.CPU;
        try {
            for (int i = 0; i < args.length; i++) {
                final String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    out.print(usage());
                    return 0;
                }
                if (!a.startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value" : "unexpected argument " + a);
                }
                final String v = args[++i];
                switch (a) {
                    case "--checkpoint" -> checkpoint = Path.of(v);
                    case "--beam" -> beam = positive(a, v);
                    case "--length-penalty" -> lengthPenalty = nonNegative(a, v);
                    case "--batch" -> batch = positive(a, v);
                    case "--average-last" -> averageLast = positive(a, v);
                    case "--threads" -> threads = positive(a, v);
                    case "--device" -> device = TrainingDevice.parse(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (checkpoint == null) {
                throw new IllegalArgumentException("--checkpoint FILE is required");
            }
            device.requireAvailable();
        } catch (IllegalArgumentException e) {
            err.println("labo translate: " + e.getMessage());
            return 2;
        }
        try {
            CpuThreads.BLAS.apply(threads);
            final TranslationCheckpoint.Loaded loaded = TranslationCheckpoint.load(checkpoint);
            if (averageLast > 0) {
                Path runDirectory = checkpoint.toAbsolutePath().getParent();
                List<Path> snapshots = EpochWeights.latest(runDirectory, averageLast);
                if (snapshots.size() < averageLast) {
                    throw new IllegalArgumentException("--average-last " + averageLast + ": " + runDirectory
                            + " keeps the weights of " + snapshots.size() + " epoch(s)");
                }
                EpochWeights.loadAverage(snapshots, loaded.model());
            }
            loaded.model().to(device.device(), false);
            final TranslationTrainConfig trained = loaded.metadata().config();
            final int beamSize = beam != null ? beam : trained.beam;
            final double penalty = lengthPenalty != null ? lengthPenalty : trained.lengthPenalty;
            final DecodingOptions defaults = beamSize == 1
                    ? DecodingOptions.greedy()
                    : DecodingOptions.beam(beamSize, LengthPenalty.gnmt(penalty));
            final DecodingOptions options = batch == null ? defaults
                    : new DecodingOptions(beamSize, defaults.lengthPenalty(), batch, defaults.maxLengthRatio(),
                            defaults.maxLengthOffset());
            final BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8
                    .newDecoder().onMalformedInput(CodingErrorAction.REPORT)));
            final List<String> chunk = new ArrayList<>();
            int lineNumber = 0;
            String line;
            while ((line = readLine(reader, lineNumber + 1)) != null) {
                lineNumber++;
                chunk.add(line);
                if (chunk.size() == CHUNK) {
                    translate(loaded, options, chunk, out);
                }
            }
            translate(loaded, options, chunk, out);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("labo translate: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("labo translate: " + e.getMessage());
            return 1;
        }
    }

    private static String readLine(BufferedReader reader, int lineNumber) throws IOException {
        try {
            return reader.readLine();
        } catch (CharacterCodingException e) {
            throw new IOException("stdin, line " + lineNumber + ": not valid UTF-8", e);
        }
    }

    /** Translates and prints the non-blank lines of {@code chunk} in order, then empties it. */
    private static void translate(TranslationCheckpoint.Loaded loaded, DecodingOptions options, List<String> chunk,
            PrintStream out) {
        final List<String> sources = new ArrayList<>();
        for (String line : chunk) {
            if (!line.isBlank()) {
                sources.add(line);
            }
        }
        final List<String> translations = SentenceTranslation.translate(loaded.model(), loaded.tokenizer(), sources,
                options);
        int next = 0;
        for (String line : chunk) {
            out.println(line.isBlank() ? "" : translations.get(next++));
        }
        out.flush();
        chunk.clear();
    }

    private static int positive(String option, String value) {
        try {
            final int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " " + value + " must be a positive integer");
    }

    private static double nonNegative(String option, String value) {
        try {
            final double x = Double.parseDouble(value);
            if (x >= 0) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " " + value + " must be a number >= 0");
    }
}
