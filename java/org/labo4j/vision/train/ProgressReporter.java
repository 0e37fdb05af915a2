package org.labo4j.vision.train;

import static org.labo4j.train.ProgressClock.duration;

import java.io.PrintStream;
import java.util.Locale;

import org.labo4j.train.ProgressClock;
import org.labo4j.train.TrainingPosition;

/**
 * Progress lines on stderr: position, running training loss and accuracy, learning rate, throughput
 * since the previous line and an estimate of the time left (remaining steps at that interval's step
 * time, plus one evaluation per remaining epoch at the last evaluation's duration).
 */
final class ProgressReporter {
    private final PrintStream out;
    private final ProgressClock clock;
    private final long totalSteps;
    private final int epochs;

    ProgressReporter(PrintStream out, double intervalSeconds, long totalSteps, int epochs, long sessionStartStep) {
        this.out = out;
        this.clock = new ProgressClock(intervalSeconds, sessionStartStep);
        this.totalSteps = totalSteps;
        this.epochs = epochs;
    }

    void evaluationTook(long nanos) {
        clock.evaluationTook(nanos);
    }

    /** Prints a line if the interval has passed since the last one. */
    void onStep(TrainingPosition p, int stepsPerEpoch, double lr, long imagesPerStep) {
        if (!clock.lineDue(p.globalStep())) {
            return;
        }
        double imagesPerSecond = imagesPerStep / clock.secondsPerStep();
        double etaSeconds = clock.secondsLeft(p.globalStep(), totalSteps, epochs - p.epoch());
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
}
