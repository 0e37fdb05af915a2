package org.labo4j.translation.train;

import java.io.PrintStream;
import java.util.Locale;

import org.labo4j.train.TrainingPosition;

/**
 * Progress lines: position, running training loss and token accuracy, learning rate, target tokens
 * per second and an estimate of the time left (remaining steps at this session's mean step time,
 * plus one evaluation per remaining epoch at the last evaluation's duration).
 */
final class TranslationProgress {
    private final PrintStream out;
    private final long intervalNanos;
    private final int epochs;
    private final int stepsPerEpoch;
    private final long sessionStartStep;
    private final long sessionStartNanos = System.nanoTime();
    private long lastLineNanos = System.nanoTime();
    private long sessionTokens;
    private long lastEvaluationNanos;
    private long totalEvaluationNanos;

    TranslationProgress(PrintStream out, double intervalSeconds, int epochs, int stepsPerEpoch,
            long sessionStartStep) {
        this.out = out;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        this.sessionStartStep = sessionStartStep;
    }

    void evaluationTook(long nanos) {
        lastEvaluationNanos = nanos;
        totalEvaluationNanos += nanos;
    }

    /** Counts a step's target tokens and prints a line if the interval has passed since the last one. */
    void onStep(TrainingPosition p, long tokens, double lr) {
        sessionTokens += tokens;
        long now = System.nanoTime();
        if (intervalNanos <= 0 || now - lastLineNanos < intervalNanos) {
            return;
        }
        lastLineNanos = now;
        double trainingSeconds = (now - sessionStartNanos - totalEvaluationNanos) / 1e9;
        double secondsPerStep = trainingSeconds / Math.max(1, p.globalStep() - sessionStartStep);
        long stepsLeft = (long) epochs * stepsPerEpoch - p.globalStep();
        double eta = stepsLeft * secondsPerStep + (epochs - p.epoch()) * lastEvaluationNanos / 1e9;
        out.println(String.format(Locale.ROOT,
                "epoch %d/%d  step %d/%d  loss %.4f  acc %.2f%%  lr %.3g  %.0f tok/s  ETA %s",
                p.epoch() + 1, epochs, p.stepInEpoch(), stepsPerEpoch, p.meanTrainLoss(),
                100 * p.trainAccuracy(), lr, sessionTokens / trainingSeconds, duration(eta)));
    }

    void onEpoch(TranslationEpochMetrics m, String lossImplementation) {
        out.println(String.format(Locale.ROOT,
                "epoch %d/%d done in %s: train loss %.4f acc %.2f%% | val nll %.4f ppl %.2f BLEU %.2f | "
                        + "%.0f tok/s, loss %.1f%% of step time (%s)",
                m.epoch(), epochs, duration(m.epochSeconds()), m.trainLoss(), 100 * m.trainTokenAccuracy(),
                m.validationNll(), m.validationPerplexity(), m.validationBleu(), m.tokensPerSecond(),
                100 * m.lossShare(), lossImplementation));
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
