package org.labo4j.train;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The timing behind both tasks' progress lines: when the next line is due, the step time since the
 * previous line (evaluations excluded) and the time left (remaining steps at that step time, plus one
 * evaluation per remaining epoch at the last evaluation's duration). Rates come from the last
 * interval, not the whole call, so that they recover after a pause (SIGSTOP, a busy machine) and
 * after start-up. The reporters keep their own line formats.
 */
public final class ProgressClock {
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private long intervalStartNanos;
    private long intervalStartStep;
    private long intervalEvaluationNanos;
    private long lastEvaluationNanos;
    private double closedIntervalSeconds;
    private long closedIntervalSteps;

    /** {@code intervalSeconds} between lines (0: none); {@code sessionStartStep}: the global step resumed at. */
    public ProgressClock(double intervalSeconds, long sessionStartStep) {
        this(intervalSeconds, sessionStartStep, System::nanoTime);
    }

    ProgressClock(double intervalSeconds, long sessionStartStep, LongSupplier nanoTime) {
        this.intervalNanos = (long) (intervalSeconds * 1e9);
        this.nanoTime = nanoTime;
        this.intervalStartNanos = nanoTime.getAsLong();
        this.intervalStartStep = sessionStartStep;
    }

    public void evaluationTook(long nanos) {
        lastEvaluationNanos = nanos;
        intervalEvaluationNanos += nanos;
    }

    /**
     * True, once per interval, when a progress line is due after {@code globalStep}; the interval
     * just closed is the one the line's rates describe, and a new one starts.
     */
    public boolean lineDue(long globalStep) {
        long now = nanoTime.getAsLong();
        if (intervalNanos <= 0 || now - intervalStartNanos < intervalNanos) {
            return false;
        }
        closedIntervalSeconds = (now - intervalStartNanos - intervalEvaluationNanos) / 1e9;
        closedIntervalSteps = globalStep - intervalStartStep;
        intervalStartNanos = now;
        intervalStartStep = globalStep;
        intervalEvaluationNanos = 0;
        return true;
    }

    /** Training seconds in the interval the last due line closed, evaluations excluded. */
    public double intervalTrainingSeconds() {
        return closedIntervalSeconds;
    }

    /** Mean seconds per step in that interval. */
    public double secondsPerStep() {
        return closedIntervalSeconds / Math.max(1, closedIntervalSteps);
    }

    /** Estimated seconds until the end of the run, from {@code globalStep}. */
    public double secondsLeft(long globalStep, long totalSteps, int epochsLeft) {
        return (totalSteps - globalStep) * secondsPerStep() + epochsLeft * lastEvaluationNanos / 1e9;
    }

    /** {@code 42s}, {@code 3m05s}, {@code 2h07m}; {@code ?} when not finite. */
    public static String duration(double seconds) {
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
