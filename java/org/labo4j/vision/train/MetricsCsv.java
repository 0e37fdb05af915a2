package org.labo4j.vision.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.labo4j.util.AtomicFiles;

/** The per-epoch metrics file of a run: a header line, then one line per finished epoch. */
public final class MetricsCsv {
    public static final String FILE_NAME = "metrics.csv";
    static final String HEADER = "epoch,lr,train_loss,train_accuracy,val_nll,val_accuracy,val_ece,"
            + "images_per_second,step_ms,loss_ms,loss_share,data_ms,epoch_seconds";

    private final Path file;

    public MetricsCsv(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Appends one epoch, writing the header first if the file is new; flushed to disk before returning. */
    public void append(EpochMetrics m) throws IOException {
        StringBuilder line = new StringBuilder();
        if (!Files.exists(file) || Files.size(file) == 0) {
            line.append(HEADER).append('\n');
        }
        line.append(String.format(Locale.ROOT, "%d,%.6g,%.6f,%.6f,%.6f,%.6f,%.6f,%.1f,%.3f,%.3f,%.4f,%.3f,%.2f%n",
                m.epoch(), m.lr(), m.trainLoss(), m.trainAccuracy(), m.validationNll(), m.validationAccuracy(),
                m.validationEce(), m.imagesPerSecond(), m.stepMillis(), m.lossMillis(), m.lossShare(),
                m.dataMillis(), m.epochSeconds()));
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    }

    /** All epochs recorded so far (empty if the file does not exist). */
    public List<EpochMetrics> readAll() throws IOException {
        List<EpochMetrics> rows = new ArrayList<>();
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
            if (f.length != 13) {
                throw new IOException(file + ": line " + (i + 1) + " has " + f.length + " fields, expected 13");
            }
            rows.add(new EpochMetrics(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]), d(f[6]),
                    d(f[7]), d(f[8]), d(f[9]), d(f[11]), d(f[12])));
        }
        return rows;
    }

    /**
     * Drops rows of epochs after {@code lastEpoch}: a run that stopped between writing a row and its
     * checkpoint will redo that epoch, and must not list it twice.
     */
    public void truncateAfter(int lastEpoch) throws IOException {
        List<EpochMetrics> all = readAll();
        List<EpochMetrics> kept = new ArrayList<>();
        for (EpochMetrics m : all) {
            if (m.epoch() <= lastEpoch) {
                kept.add(m);
            }
        }
        if (kept.size() == all.size()) {
            return;
        }
        Path rewritten = file.resolveSibling(file.getFileName() + ".rewrite");
        Files.deleteIfExists(rewritten);
        MetricsCsv copy = new MetricsCsv(rewritten);
        for (EpochMetrics m : kept) {
            copy.append(m);
        }
        if (kept.isEmpty()) {
            Files.writeString(rewritten, HEADER + "\n", StandardCharsets.UTF_8);
        }
        AtomicFiles.replace(rewritten, file);
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }
}
