package org.labo4j.translation.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.labo4j.util.AtomicFiles;

/** The per-epoch metrics file of a translation run: a header line, then one line per finished epoch. */
public final class TranslationMetricsCsv {
    public static final String FILE_NAME = "metrics.csv";
    static final String HEADER = "epoch,lr,train_loss,train_token_accuracy,val_nll,val_ppl,val_bleu,"
            + "tokens_per_second,step_ms,loss_ms,loss_share,data_ms,eval_seconds,epoch_seconds";
    private static final int FIELDS = 14;

    private final Path file;

    public TranslationMetricsCsv(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Appends one epoch, writing the header first if the file is new; on disk before returning. */
    public void append(TranslationEpochMetrics m) throws IOException {
        String text = (Files.exists(file) && Files.size(file) > 0 ? "" : HEADER + "\n") + line(m);
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    }

    private static String line(TranslationEpochMetrics m) {
        return String.format(Locale.ROOT, "%d,%.6g,%.6f,%.6f,%.6f,%.4f,%.4f,%.1f,%.3f,%.3f,%.4f,%.3f,%.2f,%.2f%n",
                m.epoch(), m.lr(), m.trainLoss(), m.trainTokenAccuracy(), m.validationNll(),
                m.validationPerplexity(), m.validationBleu(), m.tokensPerSecond(), m.stepMillis(), m.lossMillis(),
                m.lossShare(), m.dataMillis(), m.evaluationSeconds(), m.epochSeconds());
    }

    /** All epochs recorded so far (empty if the file does not exist). */
    public List<TranslationEpochMetrics> readAll() throws IOException {
        List<TranslationEpochMetrics> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != FIELDS) {
                throw new IOException(file + ": line " + (i + 1) + " has " + f.length + " fields, expected " + FIELDS);
            }
            rows.add(new TranslationEpochMetrics(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[6]),
                    d(f[7]), d(f[8]), d(f[9]), d(f[11]), d(f[12]), d(f[13])));
        }
        return rows;
    }

    /**
     * Drops rows of epochs after {@code lastEpoch}: a run that stopped between writing a row and its
     * checkpoint redoes that epoch, and must not list it twice.
     */
    public void truncateAfter(int lastEpoch) throws IOException {
        List<TranslationEpochMetrics> all = readAll();
        StringBuilder kept = new StringBuilder(HEADER).append('\n');
        int keptRows = 0;
        for (TranslationEpochMetrics m : all) {
            if (m.epoch() <= lastEpoch) {
                kept.append(line(m));
                keptRows++;
            }
        }
        if (keptRows < all.size()) {
            AtomicFiles.writeString(file, kept);
        }
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }
}
