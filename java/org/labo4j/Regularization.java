package org.labo4j;

/** The member of the label-regularization family (METHOD.md section 2). */
public enum Regularization {
    /** Plain cross-entropy: no smoothing distribution. */
    CROSS_ENTROPY,
    /** Label smoothing: {@code r} uniform over all classes, as PyTorch's {@code label_smoothing}. */
    LABEL_SMOOTHING,
    /** LABO: {@code r} the row's own tempered prediction over the non-target classes. */
    LABO
}
