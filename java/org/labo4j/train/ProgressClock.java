package org.labo4j.train;

import java.util.Locale;

/**
 * The timing behind both tasks' progress lines: when the next line is due, this session's mean step
 * time (evaluations excluded) and the time left (remaining steps at that mean, plus one evaluation per
 * remaining epoch at the last evaluation's duration). The reporters keep their own line formats.
 */
public final class ProgressClock {
    private final long intervalNanos;
    private final long sessionStartStep;
    private final long sessionStartNanos = System.nanoTime();
    private long lastLineNanos = System.nanoTime();
    private long lastEvaluationNanos;
    private long totalEvaluationNanos;

    /** {@code intervalSeconds} between lines (0: none); {@code sessionStartStep}: the global step resumed at. */
    public ProgressClock(double intervalSeconds, long sessionStartStep) {
        this.intervalNanos = (long) (intervalSeconds * 1e9);
        this.sessionStartStep = sessionStartStep;
    }

    public void evaluationTook(long nanos) {
        lastEvaluationNanos = nanos;
        totalEvaluationNanos += nanos;
    }

    /** True, once per interval, when a progress line is due; the interval restarts then. */
    public boolean lineDue() {
        long now = System.nanoTime();
        if (intervalNanos <= 0 || now - lastLineNanos < intervalNanos) {
            return false;
        }
        lastLineNanos = now;
        return true;
    }

    /** Seconds this session has spent training up to the line just due, evaluations excluded. */
    public double trainingSeconds() {
        return (lastLineNanos - sessionStartNanos - totalEvaluationNanos) / 1e9;
    }

    /** Mean seconds per step of this session, at {@code globalStep}. */
    public double secondsPerStep(long globalStep) {
        return trainingSeconds() / Math.max(1, globalStep - sessionStartStep);
    }

    /** Estimated seconds until the end of the run. */
    public double secondsLeft(long globalStep, long totalSteps, int epochsLeft) {
        return (totalSteps - globalStep) * secondsPerStep(globalStep) + epochsLeft * lastEvaluationNanos / 1e9;
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
