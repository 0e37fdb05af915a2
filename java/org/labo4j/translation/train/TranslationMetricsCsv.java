package org.labo4j.translation.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.labo4j.train.EpochCsvFile;

/** The per-epoch metrics file of a translation run: a header line, then one line per finished epoch. */
public final class TranslationMetricsCsv {
    public static final String FILE_NAME = "metrics.csv";
    static final String HEADER = "epoch,lr,train_loss,train_token_accuracy,val_nll,val_ppl,val_bleu,"
            + "tokens_per_second,step_ms,loss_ms,loss_share,data_ms,eval_seconds,epoch_seconds";
    private static final int FIELDS = 14;

    private final EpochCsvFile csv;

    public TranslationMetricsCsv(Path file) {
        this.csv = new EpochCsvFile(file, HEADER, FIELDS);
    }

    public Path file() {
        return csv.file();
    }

    /** Appends one epoch, writing the header first if the file is new; on disk before returning. */
    public void append(TranslationEpochMetrics m) throws IOException {
        csv.append(line(m));
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
        for (String[] f : csv.rows()) {
            rows.add(new TranslationEpochMetrics(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[6]),
                    d(f[7]), d(f[8]), d(f[9]), d(f[11]), d(f[12]), d(f[13])));
        }
        return rows;
    }

    /** Drops the rows of epochs after {@code lastEpoch}, as {@link EpochCsvFile#truncateAfter} explains. */
    public void truncateAfter(int lastEpoch) throws IOException {
        csv.truncateAfter(lastEpoch);
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }
}
