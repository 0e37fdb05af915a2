package org.labo4j.translation.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.labo4j.train.CpuThreads;
import org.labo4j.train.FinalMetrics;
import org.labo4j.translation.bleu.BleuScore;
import org.labo4j.vision.plot.LineSeries;
import org.labo4j.vision.plot.TrainingCurvesChart;

/** The human-facing files of a translation run: the training curves and the final summary. */
final class TranslationReports {
    static final String CURVES_FILE = "curves.png";

    private TranslationReports() {
    }

    /** Training objective and validation NLL per epoch (top), validation BLEU (bottom). */
    static void writeCurves(Path runDirectory, String title, List<TranslationEpochMetrics> history)
            throws IOException {
        int n = history.size();
        double[] epochs = new double[n];
        double[] trainLoss = new double[n];
        double[] validationNll = new double[n];
        double[] validationBleu = new double[n];
        for (int i = 0; i < n; i++) {
            TranslationEpochMetrics m = history.get(i);
            epochs[i] = m.epoch();
            trainLoss[i] = m.trainLoss();
            validationNll[i] = m.validationNll();
            validationBleu[i] = m.validationBleu();
        }
        TrainingCurvesChart.write(runDirectory.resolve(CURVES_FILE), title, "loss per target token",
                List.of(new LineSeries("train loss (training objective, dropout on)", epochs, trainLoss),
                        new LineSeries("validation NLL", epochs, validationNll)),
                "BLEU", List.of(new LineSeries("validation BLEU (greedy)", epochs, validationBleu)));
    }

    /**
     * final-metrics.json: test BLEU (of the final weights and, when tested, of the average of the last
     * epochs' weights), last validation metrics, cost of training and the configuration.
     *
     * @param averaged the test of the averaged weights, or {@code null} when none was run
     * @param averagedEpochs how many epochs' weights {@code averaged} averages
     */
    static void writeSummary(Path runDirectory, TranslationTrainConfig config, String lossDescription,
            String lossImplementation, long parameters, int vocabulary, List<TranslationEpochMetrics> history,
            TestEvaluation test, TestEvaluation averaged, int averagedEpochs)
            throws IOException {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("pair", config.src + "-" + config.tgt);
        summary.put("model", config.model);
        summary.put("parameters", parameters);
        summary.put("vocabulary", vocabulary);
        summary.put("loss", lossDescription);
        summary.put("loss_implementation", lossImplementation);
        summary.put("epochs", history.size());
        summary.put("test", testScores(test, config, ""));
        if (averaged != null) {
            Map<String, Object> averagedMap = testScores(averaged, config, AVERAGED_PREFIX);
            averagedMap.put("epochs_averaged", averagedEpochs);
            summary.put("test_averaged", averagedMap);
        }
        if (!history.isEmpty()) {
            TranslationEpochMetrics last = history.get(history.size() - 1);
            Map<String, Object> validation = new LinkedHashMap<>();
            validation.put("nll", last.validationNll());
            validation.put("perplexity", last.validationPerplexity());
            validation.put("bleu_greedy", last.validationBleu());
            summary.put("validation_last_epoch", validation);
        }
        summary.put("training", cost(history));
        FinalMetrics.write(runDirectory, summary, config.asMap());
    }

    /** Where the averaged weights' hypotheses are, relative to the run directory. */
    private static final String AVERAGED_PREFIX = TranslationTraining.AVERAGED_DIRECTORY + "/";

    private static Map<String, Object> testScores(TestEvaluation test, TranslationTrainConfig config,
            String hypothesesPrefix) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sentences", test.sentences());
        m.put("greedy", bleu(test.greedy(), hypothesesPrefix + TestEvaluation.GREEDY_FILE));
        if (test.beam() != null) {
            Map<String, Object> beam = bleu(test.beam(), hypothesesPrefix + TestEvaluation.beamFile(test.beamSize()));
            beam.put("beam_size", test.beamSize());
            beam.put("length_penalty", config.lengthPenalty);
            m.put("beam", beam);
        }
        return m;
    }

    private static Map<String, Object> bleu(BleuScore score, String hypothesesFile) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bleu", score.score());
        m.put("formatted", score.format());
        m.put("signature", score.signature().format());
        m.put("hypotheses", hypothesesFile);
        return m;
    }

    /** Means over epochs (each epoch weighs the same), and total wall time. */
    private static Map<String, Object> cost(List<TranslationEpochMetrics> history) {
        double seconds = 0;
        double stepMillis = 0;
        double lossMillis = 0;
        double tokensPerSecond = 0;
        for (TranslationEpochMetrics e : history) {
            seconds += e.epochSeconds();
            stepMillis += e.stepMillis();
            lossMillis += e.lossMillis();
            tokensPerSecond += e.tokensPerSecond();
        }
        int n = Math.max(1, history.size());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", seconds);
        m.put("seconds_per_epoch", seconds / n);
        m.put("tokens_per_second", tokensPerSecond / n);
        m.put("step_ms", stepMillis / n);
        m.put("loss_ms", lossMillis / n);
        m.put("loss_share_of_step", stepMillis > 0 ? lossMillis / stepMillis : Double.NaN);
        m.put("threads", CpuThreads.describe());
        return m;
    }
}
