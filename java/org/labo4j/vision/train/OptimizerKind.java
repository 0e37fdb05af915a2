package org.labo4j.vision.train;

/** The optimizers the vision trainer can build. */
public enum OptimizerKind {
    /** Stochastic gradient descent with (optionally Nesterov) momentum and L2 weight decay. */
    SGD,
    /** Adam with decoupled weight decay (Loshchilov and Hutter 2019). */
    ADAMW
}
