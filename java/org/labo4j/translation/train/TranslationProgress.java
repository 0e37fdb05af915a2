package org.labo4j.translation.train;

import static org.labo4j.train.ProgressClock.duration;

import java.io.PrintStream;
import java.util.Locale;

import org.labo4j.train.ProgressClock;
import org.labo4j.train.TrainingPosition;

/**
 * Progress lines: position, running training loss and token accuracy, learning rate, target tokens
 * per second since the previous line and an estimate of the time left (remaining steps at that
 * interval's step time, plus one evaluation per remaining epoch at the last evaluation's duration).
 */
final class TranslationProgress {
    private final PrintStream out;
    private final ProgressClock clock;
    private final int epochs;
    private final int stepsPerEpoch;
    private long intervalTokens;

    TranslationProgress(PrintStream out, double intervalSeconds, int epochs, int stepsPerEpoch,
            long sessionStartStep) {
        this.out = out;
        this.clock = new ProgressClock(intervalSeconds, sessionStartStep);
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    void evaluationTook(long nanos) {
        clock.evaluationTook(nanos);
    }

    /** Counts a step's target tokens and prints a line if the interval has passed since the last one. */
    void onStep(TrainingPosition p, long tokens, double lr) {
        intervalTokens += tokens;
        if (!clock.lineDue(p.globalStep())) {
            return;
        }
        double tokensPerSecond = intervalTokens / clock.intervalTrainingSeconds();
        intervalTokens = 0;
        double eta = clock.secondsLeft(p.globalStep(), (long) epochs * stepsPerEpoch, epochs - p.epoch());
        out.println(String.format(Locale.ROOT,
                "epoch %d/%d  step %d/%d  loss %.4f  acc %.2f%%  lr %.3g  %.0f tok/s  ETA %s",
                p.epoch() + 1, epochs, p.stepInEpoch(), stepsPerEpoch, p.meanTrainLoss(),
                100 * p.trainAccuracy(), lr, tokensPerSecond, duration(eta)));
    }

    void onEpoch(TranslationEpochMetrics m, String lossImplementation) {
        out.println(String.format(Locale.ROOT,
                "epoch %d/%d done in %s: train loss %.4f acc %.2f%% | val nll %.4f ppl %.2f BLEU %.2f | "
                        + "%.0f tok/s, loss %.1f%% of step time (%s)",
                m.epoch(), epochs, duration(m.epochSeconds()), m.trainLoss(), 100 * m.trainTokenAccuracy(),
                m.validationNll(), m.validationPerplexity(), m.validationBleu(), m.tokensPerSecond(),
                100 * m.lossShare(), lossImplementation));
    }
}
