package org.labo4j.vision.train;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.labo4j.train.TorchCrossEntropyLoss;
import org.labo4j.train.TrainingPosition;
import org.labo4j.vision.data.BatchAssembler;
import org.labo4j.vision.data.FashionMnist;
import org.labo4j.vision.data.ImageDataset;
import org.labo4j.vision.data.SequentialBatches;
import org.labo4j.vision.data.ShuffledBatches;
import org.labo4j.vision.model.ImageClassifier;
import org.labo4j.vision.model.ModelFactory;

/** The trainer can fit 256 real Fashion-MNIST images: the whole loop (data, model, loss, optimizer) works. */
class TrainerOverfitTest {
    /** A few seconds on an idle core; the timeout only guards against a hang on a busy machine. */
    @Test
    @Timeout(300)
    void smallCnnFitsA256ImageSubset() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIRECTORY), "Fashion-MNIST not installed");
        ImageDataset subset = FashionMnist.loadTrain(FashionMnist.DEFAULT_DIRECTORY).head(256);
        VisionTrainConfig config = new VisionTrainConfig().set("epochs", "10").set("batchSize", "32")
                .set("lr", "0.01").set("warmupEpochs", "1").set("schedule", "constant").set("weightDecay", "0")
                .set("progressSeconds", "0");
        set_num_threads(1);
        manual_seed(1);
        ImageClassifier model = ModelFactory.create(config.model, 1, 28, 10);
        ShuffledBatches train = new ShuffledBatches(subset, config.batchSize, config.seed,
                new BatchAssembler(FashionMnist.TRAIN_NORMALIZATION, null));
        Trainer trainer = new Trainer(config, model, OptimizerFactory.create(config, model.parameters()),
                new TorchCrossEntropyLoss(0), train, null, null, new PrintStream(OutputStream.nullOutputStream()));

        // 10 epochs x 8 steps = 80 optimizer steps.
        List<EpochMetrics> epochs = trainer.run(TrainingPosition.start()).epochs();

        // Accuracy on the same 256 images in inference mode: the training accuracy proper.
        double accuracy = Evaluator.evaluate(model,
                new SequentialBatches(subset, 256, FashionMnist.TRAIN_NORMALIZATION)).accuracy();
        assertTrue(accuracy >= 0.95, "training-set accuracy " + accuracy);
        EpochMetrics last = epochs.get(epochs.size() - 1);
        assertTrue(last.trainLoss() < epochs.get(0).trainLoss() / 3, "loss fell: " + epochs);
        assertTrue(last.lossShare() > 0 && last.lossShare() < 1, "loss share measured: " + last.lossShare());
    }
}
