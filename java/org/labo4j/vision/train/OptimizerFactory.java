package org.labo4j.vision.train;

import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OptimizerParamGroupVector;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.TensorVector;

/** Builds libtorch optimizers from a configuration and drives their learning rate. */
public final class OptimizerFactory {
    private OptimizerFactory() {
    }

    /** An optimizer over {@code parameters}; its learning rate is set per step by the schedule. */
    public static Optimizer create(VisionTrainConfig config, TensorVector parameters) {
        return switch (config.optimizer) {
            case SGD -> {
                SGDOptions options = new SGDOptions(config.lr);
                options.momentum().put(config.momentum);
                options.nesterov().put(config.nesterov);
                options.weight_decay().put(config.weightDecay);
                yield new SGD(parameters, options);
            }
            case ADAMW -> {
                AdamWOptions options = new AdamWOptions(config.lr);
                // betas() points at a std::tuple<double, double>, which libstdc++ lays out last element
                // first: index 0 is beta2, index 1 is beta1 (checked against the defaults 0.9 / 0.999).
                options.betas().put(0, config.adamBeta2).put(1, config.adamBeta1);
                options.eps().put(config.adamEps);
                options.weight_decay().put(config.weightDecay);
                yield new AdamW(parameters, options);
            }
        };
    }

    /** Sets the learning rate of every parameter group. */
    public static void setLearningRate(Optimizer optimizer, double lr) {
        OptimizerParamGroupVector groups = optimizer.param_groups();
        for (long i = 0; i < groups.size(); i++) {
            groups.get(i).options().set_lr(lr);
        }
    }
}
