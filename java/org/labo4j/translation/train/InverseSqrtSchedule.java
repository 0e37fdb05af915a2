package org.labo4j.translation.train;

/**
 * The learning rate of "Attention is all you need" (Vaswani et al. 2017, eq. 3) with its peak given
 * directly instead of through {@code d_model^-0.5}: linear warm-up to {@code peak} over
 * {@code warmupSteps} steps, then decay with the inverse square root of the step,
 * {@code lr(s) = peak * min(s / warmup, sqrt(warmup / s))} for the 1-based step {@code s}. It does not
 * depend on the length of the run, so a run can be continued for more epochs on the same curve.
 */
public final class InverseSqrtSchedule {
    private final double peak;
    private final long warmupSteps;

    public InverseSqrtSchedule(double peak, long warmupSteps) {
        if (!(peak > 0) || warmupSteps < 1) {
            throw new IllegalArgumentException("need peak > 0 and warmupSteps >= 1, got " + peak + ", " + warmupSteps);
        }
        this.peak = peak;
        this.warmupSteps = warmupSteps;
    }

    /** The rate of the optimizer step with 0-based index {@code step}. */
    public double at(long step) {
        double s = step + 1;
        return peak * Math.min(s / warmupSteps, Math.sqrt(warmupSteps / s));
    }
}
