package org.labo4j.vision.model;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.labo4j.train.ParameterCount;

/**
 * A libtorch module that maps images {@code [B, C, H, W]} to class logits {@code [B, numClasses]}.
 * Parameters and buffers live in the native module tree (registered with {@code register_module}), so
 * {@code parameters()}, {@code save} / {@code load}, {@code train} / {@code eval} work as in C++; the
 * forward pass is written in Java because the presets cannot dispatch a C++ virtual {@code forward}.
 */
public abstract class ImageClassifier extends Module {
    private final String architecture;
    private final int numClasses;

    protected ImageClassifier(String architecture, int numClasses) {
        this.architecture = architecture;
        this.numClasses = numClasses;
    }

    public abstract Tensor forward(Tensor images);

    /** The factory name this model was built under, e.g. {@code small-cnn}. */
    public String architecture() {
        return architecture;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Number of trainable scalars. */
    public long parameterCount() {
        return ParameterCount.of(this);
    }
}
