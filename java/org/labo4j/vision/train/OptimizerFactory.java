package org.labo4j.vision.train;

import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.TensorVector;
import org.labo4j.train.OptimizerSettings;

/** Builds libtorch optimizers from a vision configuration. */
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
                OptimizerSettings.setAdamBetas(options.betas(), config.adamBeta1, config.adamBeta2);
                options.eps().put(config.adamEps);
                options.weight_decay().put(config.weightDecay);
                yield new AdamW(parameters, options);
            }
        };
    }
}
