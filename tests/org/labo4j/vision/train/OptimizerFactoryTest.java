package org.labo4j.vision.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.SGDOptions;
import org.junit.jupiter.api.Test;
import org.labo4j.train.OptimizerSettings;

class OptimizerFactoryTest {
    @Test
    void adamWGetsItsBetasTheRightWayRound() {
        VisionTrainConfig c = new VisionTrainConfig().set("optimizer", "adamw").set("lr", "0.003")
                .set("adamBeta1", "0.8").set("adamBeta2", "0.95").set("weightDecay", "0.05");
        Optimizer optimizer = OptimizerFactory.create(c, new LinearImpl(3, 2).parameters());
        AdamWOptions options = new AdamWOptions(optimizer.param_groups().get(0).options());
        // std::tuple<double, double> lies in memory last element first (see OptimizerSettings).
        assertEquals(0.8, options.betas().get(1));
        assertEquals(0.95, options.betas().get(0));
        assertEquals(0.05, options.weight_decay().get());
        assertEquals(0.003, options.get_lr());
    }

    @Test
    void sgdOptionsAndLearningRateUpdates() {
        VisionTrainConfig c = new VisionTrainConfig().set("momentum", "0.8").set("nesterov", "true");
        Optimizer optimizer = OptimizerFactory.create(c, new LinearImpl(3, 2).parameters());
        SGDOptions options = new SGDOptions(optimizer.param_groups().get(0).options());
        assertEquals(0.8, options.momentum().get());
        assertEquals(true, options.nesterov().get());
        OptimizerSettings.setLearningRate(optimizer, 0.0125);
        assertEquals(0.0125, optimizer.param_groups().get(0).options().get_lr());
    }
}
