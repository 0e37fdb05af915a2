package org.labo4j.translation.train;

import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.TensorVector;
import org.labo4j.train.OptimizerSettings;

/** Adam as a translation run configures it; the learning rate is set per step by the schedule. */
final class AdamFactory {
    private AdamFactory() {
    }

    static Adam create(TranslationTrainConfig config, TensorVector parameters) {
        AdamOptions options = new AdamOptions(config.lr);
        OptimizerSettings.setAdamBetas(options.betas(), config.adamBeta1, config.adamBeta2);
        options.eps().put(config.adamEps);
        options.weight_decay().put(config.weightDecay);
        return new Adam(parameters, options);
    }
}
