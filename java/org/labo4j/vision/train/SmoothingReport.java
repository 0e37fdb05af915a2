package org.labo4j.vision.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.DoubleStream;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.labo4j.LabelRegularizer;
import org.labo4j.LossOutput;
import org.labo4j.vision.data.Batch;
import org.labo4j.vision.data.FashionMnist;
import org.labo4j.vision.data.ImageDataset;
import org.labo4j.vision.data.Normalization;
import org.labo4j.vision.data.SequentialBatches;
import org.labo4j.vision.model.ImageClassifier;
import org.labo4j.vision.model.ModelFactory;
import org.labo4j.vision.plot.BarChart;
import org.labo4j.vision.plot.HistogramChart;

/**
 * Pictures of what LABO did on a trained model: the distribution of the per-image temperatures on
 * the test set, and, for a few test images, the smoothing distribution {@code r} next to the model's
 * prediction {@code p}.
 */
public final class SmoothingReport {
    private static final int EXAMPLES = 4;

    private SmoothingReport() {}

    /**
     * Writes {@code labo-temperatures.png} and {@code labo-smoothing-<i>.png} into the run directory,
     * from the run's checkpoint on the test set of {@code config.dataDir}, with the input
     * {@code normalization} the run trained with.
     */
    @SuppressWarnings("try") // scope and no-grad guard held for their block only
    public static List<Path> write(Path runDir, VisionTrainConfig config, Normalization normalization,
            LabelRegularizer labo) throws IOException {
        final List<Path> written = new ArrayList<>();
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            final ImageDataset test = FashionMnist.loadTest(config.dataDir);
            final ImageClassifier model = ModelFactory.create(config.model, 1, test.height(), FashionMnist.NUM_CLASSES, config.dropout);
            Checkpoint.loadWeights(runDir.resolve(Checkpoint.FILE_NAME), model);
            model.eval();
            final SequentialBatches batches = new SequentialBatches(test, config.evalBatchSize, normalization);
            final DoubleStream.Builder temperatures = DoubleStream.builder();
            EvaluationPass.run(batches, (index, batch) -> {
                final Tensor logits = model.forward(batch.images());
                final LossOutput out = labo.forward(logits, batch.labels(), true);
                final float[] t = new float[batch.size()];
                out.temperature().data_ptr_float().get(t);
                for (float v : t) {
                    temperatures.add(v);
                }
                if (index == 0) {
                    written.addAll(writeExamples(runDir, logits, batch, t));
                }
            });
            final Path histogram = runDir.resolve("labo-temperatures.png");
            HistogramChart.write(histogram, "LABO per-image temperature on the test set (" + labo + ")", "temperature T",
                    temperatures.build().toArray(), 40);
            written.add(histogram);
        }
        return written;
    }

    private static List<Path> writeExamples(Path runDir, Tensor logits, Batch batch, float[] temperatures) throws IOException {
        final List<Path> files = new ArrayList<>();
        final int classes = (int) logits.size(1);
        final float[] z = new float[batch.size() * classes];
        logits.contiguous().data_ptr_float().get(z);
        final long[] labels = new long[batch.size()];
        batch.labels().data_ptr_long().get(labels);
        for (int i = 0; i < Math.min(EXAMPLES, batch.size()); i++) {
            final int y = (int) labels[i];
            final double t = temperatures[i];
            final double[] p = new double[classes];
            final double[] r = new double[classes];
            double max = Double.NEGATIVE_INFINITY;
            double maxNonTarget = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, z[i * classes + k]);
                if (k != y) {
                    maxNonTarget = Math.max(maxNonTarget, z[i * classes + k]);
                }
            }
            double sp = 0, sr = 0;
            for (int k = 0; k < classes; k++) {
                p[k] = Math.exp(z[i * classes + k] - max);
                r[k] = k == y ? 0 : Double.isInfinite(t) ? 1 : Math.exp((z[i * classes + k] - maxNonTarget) / t);
                sp += p[k];
                sr += r[k];
            }
            for (int k = 0; k < classes; k++) {
                p[k] /= sp;
                r[k] /= sr;
            }
            final Map<String, double[]> series = new LinkedHashMap<>();
            series.put("prediction p", p);
            series.put("smoothing r (target excluded)", r);
            final Path file = runDir.resolve("labo-smoothing-" + i + ".png");
            BarChart.write(file, String.format(java.util.Locale.ROOT, "Test image %d: label %s, T = %.3g", i,
                    FashionMnist.CLASS_NAMES.get(y), t), "probability", FashionMnist.CLASS_NAMES, series);
            files.add(file);
        }
        return files;
    }
}
