package org.labo4j.translation.train;

import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.TensorVector;

/** Adam as a translation run configures it; the learning rate is set per step by the schedule. */
final class AdamFactory {
    private AdamFactory() {
    }

    static Adam create(TranslationTrainConfig config, TensorVector parameters) {
        AdamOptions options = new AdamOptions(config.lr);
        // betas() points at a std::tuple<double, double>, which libstdc++ lays out last element first:
        // index 0 is beta2, index 1 is beta1 (as in vision's OptimizerFactory).
        options.betas().put(0, config.adamBeta2).put(1, config.adamBeta1);
        options.eps().put(config.adamEps);
        options.weight_decay().put(config.weightDecay);
        return new Adam(parameters, options);
    }
}
