package org.labo4j.train;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OptimizerParamGroupVector;

/**
 * Optimizer settings that both tasks set through the presets the same way: the learning rate each
 * step's schedule gives, and Adam's betas, whose native layout is easy to get the wrong way round.
 */
public final class OptimizerSettings {
    private OptimizerSettings() {
    }

    /** Sets the learning rate of every parameter group. */
    public static void setLearningRate(Optimizer optimizer, double lr) {
        OptimizerParamGroupVector groups = optimizer.param_groups();
        for (long i = 0; i < groups.size(); i++) {
            groups.get(i).options().set_lr(lr);
        }
    }

    /**
     * Sets {@code betas()} of Adam or AdamW options. It points at a std::tuple<double, double>, which
     * libstdc++ lays out last element first: index 0 is beta2, index 1 is beta1 (checked against the
     * defaults 0.9 / 0.999).
     */
    public static void setAdamBetas(DoublePointer betas, double beta1, double beta2) {
        betas.put(0, beta2).put(1, beta1);
    }
}
