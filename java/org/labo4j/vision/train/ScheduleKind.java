package org.labo4j.vision.train;

/** Shape of the learning rate after warm-up, evaluated at every optimizer step. */
public enum ScheduleKind {
    /** Half a cosine from the base rate down to {@code minLrFraction * lr} at the last step. */
    COSINE,
    /** The base rate multiplied by {@code stepGamma} every {@code stepEpochs} epochs. */
    STEP,
    /** The base rate throughout. */
    CONSTANT
}
