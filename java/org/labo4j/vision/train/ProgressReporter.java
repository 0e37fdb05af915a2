package org.labo4j.vision.train;

import java.io.PrintStream;
import java.util.Locale;

import org.labo4j.train.TrainingPosition;

/**
 * Progress lines on stderr: position, running training loss and accuracy, learning rate, throughput
 * and an estimate of the time left (remaining steps at this session's mean step time, plus one
 * evaluation per remaining epoch at the last evaluation's duration).
 */
final class ProgressReporter {
    private final PrintStream out;
    private final long intervalNanos;
    private final long totalSteps;
    private final int epochs;
    private final long sessionStartStep;
    private final long sessionStartNanos = System.nanoTime();
    private long lastLineNanos = System.nanoTime();
    private long lastEvaluationNanos;
    private long totalEvaluationNanos;

    ProgressReporter(PrintStream out, double intervalSeconds, long totalSteps, int epochs, long sessionStartStep) {
        this.out = out;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
        this.totalSteps = totalSteps;
        this.epochs = epochs;
        this.sessionStartStep = sessionStartStep;
    }

    void evaluationTook(long nanos) {
        lastEvaluationNanos = nanos;
        totalEvaluationNanos += nanos;
    }

    /** Prints a line if the interval has passed since the last one. */
    void onStep(TrainingPosition p, int stepsPerEpoch, double lr, long imagesPerStep) {
        long now = System.nanoTime();
        if (intervalNanos <= 0 || now - lastLineNanos < intervalNanos) {
            return;
        }
        lastLineNanos = now;
        long sessionSteps = p.globalStep() - sessionStartStep;
        double secondsPerStep = (now - sessionStartNanos - totalEvaluationNanos) / 1e9 / Math.max(1, sessionSteps);
        double imagesPerSecond = imagesPerStep / secondsPerStep;
        int epochsLeft = epochs - p.epoch();
        double etaSeconds = (totalSteps - p.globalStep()) * secondsPerStep + epochsLeft * lastEvaluationNanos / 1e9;
        out.println(String.format(Locale.ROOT,
                "epoch %d/%d  step %d/%d  loss %.4f  acc %.2f%%  lr %.3g  %.0f img/s  ETA %s",
                p.epoch() + 1, epochs, p.stepInEpoch(), stepsPerEpoch, p.trainLossSum() / Math.max(1, p.trainItems()),
                100.0 * p.trainCorrect() / Math.max(1, p.trainItems()), lr, imagesPerSecond, duration(etaSeconds)));
    }

    void onEpoch(EpochMetrics m, int epochs) {
        out.println(String.format(Locale.ROOT,
                "epoch %d/%d done in %s: train loss %.4f acc %.2f%% | val nll %.4f acc %.2f%% ece %.4f | "
                        + "%.0f img/s, loss %.1f%% of step time",
                m.epoch(), epochs, duration(m.epochSeconds()), m.trainLoss(), 100 * m.trainAccuracy(),
                m.validationNll(), 100 * m.validationAccuracy(), m.validationEce(), m.imagesPerSecond(),
                100 * m.lossShare()));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
