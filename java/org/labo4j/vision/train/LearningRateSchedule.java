package org.labo4j.vision.train;

/**
 * Learning rate as a function of the optimizer step: a linear warm-up, then cosine decay, step decay
 * or a constant. A pure function of the step index, so a resumed run recomputes it instead of storing it.
 */
public final class LearningRateSchedule {
    private final ScheduleKind kind;
    private final double baseLr;
    private final long warmupSteps;
    private final long totalSteps;
    private final double minLr;
    private final long stepPeriod;
    private final double gamma;

    /**
     * @param warmupSteps steps of linear warm-up: step {@code s < warmupSteps} uses {@code lr * (s+1)/warmupSteps}
     * @param totalSteps steps of the whole run; the cosine reaches {@code minLrFraction * lr} at the last one
     * @param stepPeriod steps between two decays of the step schedule
     */
    public LearningRateSchedule(ScheduleKind kind, double baseLr, long warmupSteps, long totalSteps,
            double minLrFraction, long stepPeriod, double gamma) {
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps || stepPeriod < 1) {
            throw new IllegalArgumentException("inconsistent schedule: warmupSteps=" + warmupSteps + " totalSteps="
                    + totalSteps + " stepPeriod=" + stepPeriod);
        }
        this.kind = kind;
        this.baseLr = baseLr;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
        this.minLr = minLrFraction * baseLr;
        this.stepPeriod = stepPeriod;
        this.gamma = gamma;
    }

    /** The schedule a configuration asks for, with {@code stepsPerEpoch} optimizer steps per epoch. */
    public static LearningRateSchedule of(VisionTrainConfig config, int stepsPerEpoch) {
        long total = (long) config.epochs * stepsPerEpoch;
        long warmup = Math.min(total, Math.round(config.warmupEpochs * stepsPerEpoch));
        return new LearningRateSchedule(config.schedule, config.lr, warmup, total, config.minLrFraction,
                (long) config.stepEpochs * stepsPerEpoch, config.stepGamma);
    }

    /** The rate for the optimizer step with 0-based index {@code step}. */
    public double at(long step) {
        if (step < warmupSteps) {
            return baseLr * (step + 1) / warmupSteps;
        }
        return switch (kind) {
            case CONSTANT -> baseLr;
            case STEP -> baseLr * Math.pow(gamma, step / stepPeriod);
            case COSINE -> {
                long decaySteps = totalSteps - warmupSteps;
                // The last step (progress 1) lands on minLr; a one-step decay stays at the base rate.
                double progress = decaySteps <= 1 ? 0 : (double) (step - warmupSteps) / (decaySteps - 1);
                progress = Math.min(1, progress);
                yield minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
            }
        };
    }

    public long totalSteps() {
        return totalSteps;
    }
}
