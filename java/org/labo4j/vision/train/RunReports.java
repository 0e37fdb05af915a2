package org.labo4j.vision.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.labo4j.train.CpuThreads;
import org.labo4j.train.FinalMetrics;
import org.labo4j.util.AtomicFiles;
import org.labo4j.vision.metrics.EvaluationResult;
import org.labo4j.vision.metrics.ReliabilityDiagram;
import org.labo4j.vision.plot.LineSeries;
import org.labo4j.vision.plot.ReliabilityDiagramChart;
import org.labo4j.vision.plot.TrainingCurvesChart;

/** The human-facing files of a run directory: charts, reliability data and the final summary. */
final class RunReports {
    static final String CURVES_FILE = "curves.png";
    static final String RELIABILITY_CHART_FILE = "reliability-test.png";
    static final String RELIABILITY_DATA_FILE = "reliability-test.csv";

    private RunReports() {
    }

    /** Loss and accuracy per epoch: training objective vs validation NLL, training vs validation accuracy. */
    static void writeCurves(Path runDirectory, String title, List<EpochMetrics> history) throws IOException {
        int n = history.size();
        double[] epochs = new double[n];
        double[] trainLoss = new double[n];
        double[] validationNll = new double[n];
        double[] trainAccuracy = new double[n];
        double[] validationAccuracy = new double[n];
        for (int i = 0; i < n; i++) {
            EpochMetrics m = history.get(i);
            epochs[i] = m.epoch();
            trainLoss[i] = m.trainLoss();
            validationNll[i] = m.validationNll();
            trainAccuracy[i] = m.trainAccuracy();
            validationAccuracy[i] = m.validationAccuracy();
        }
        TrainingCurvesChart.write(runDirectory.resolve(CURVES_FILE), title,
                List.of(new LineSeries("train loss (training objective)", epochs, trainLoss),
                        new LineSeries("validation NLL", epochs, validationNll)),
                List.of(new LineSeries("train accuracy (augmented, dropout on)", epochs, trainAccuracy),
                        new LineSeries("validation accuracy", epochs, validationAccuracy)));
    }

    static void writeReliability(Path runDirectory, String title, ReliabilityDiagram diagram, boolean chart)
            throws IOException {
        StringBuilder csv = new StringBuilder("bin_lower,bin_upper,count,accuracy,mean_confidence\n");
        for (ReliabilityDiagram.Bin bin : diagram.bins()) {
            csv.append(String.format(Locale.ROOT, "%.6f,%.6f,%d,%.6f,%.6f%n", bin.lower(), bin.upper(), bin.count(),
                    bin.accuracy(), bin.meanConfidence()));
        }
        AtomicFiles.writeString(runDirectory.resolve(RELIABILITY_DATA_FILE), csv);
        if (chart) {
            ReliabilityDiagramChart.write(runDirectory.resolve(RELIABILITY_CHART_FILE), title, diagram);
        }
    }

    /** final-metrics.json: test metrics, last validation metrics, cost of training and the configuration. */
    static void writeSummary(Path runDirectory, VisionTrainConfig config, String lossDescription, long parameters,
            List<EpochMetrics> history, EvaluationResult test) throws IOException {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", config.model);
        summary.put("parameters", parameters);
        summary.put("loss", lossDescription);
        summary.put("epochs", history.size());
        summary.put("test", evaluation(test));
        if (!history.isEmpty()) {
            EpochMetrics last = history.get(history.size() - 1);
            Map<String, Object> validation = new LinkedHashMap<>();
            validation.put("accuracy", last.validationAccuracy());
            validation.put("nll", last.validationNll());
            validation.put("ece", last.validationEce());
            summary.put("validation_last_epoch", validation);
        }
        summary.put("training", cost(history));
        FinalMetrics.write(runDirectory, summary, config.asMap());
    }

    private static Map<String, Object> evaluation(EvaluationResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", r.count());
        m.put("accuracy", r.accuracy());
        m.put("nll", r.nll());
        m.put("ece", r.ece());
        m.put("mce", r.reliability().maximumCalibrationError());
        m.put("ece_bins", r.reliability().bins().size());
        return m;
    }

    /** Means over epochs (each epoch weighs the same), and total wall time. */
    private static Map<String, Object> cost(List<EpochMetrics> history) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Double> throughput = new ArrayList<>();
        double seconds = 0;
        double stepMillis = 0;
        double lossMillis = 0;
        for (EpochMetrics e : history) {
            throughput.add(e.imagesPerSecond());
            seconds += e.epochSeconds();
            stepMillis += e.stepMillis();
            lossMillis += e.lossMillis();
        }
        int n = Math.max(1, history.size());
        m.put("seconds", seconds);
        m.put("images_per_second", throughput.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        m.put("step_ms", stepMillis / n);
        m.put("loss_ms", lossMillis / n);
        m.put("loss_share_of_step", stepMillis > 0 ? lossMillis / stepMillis : Double.NaN);
        m.put("threads", CpuThreads.describe());
        return m;
    }
}
