package org.labo4j.vision.train;

import static org.bytedeco.pytorch.global.torch.equal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.bytedeco.pytorch.StringTensorDict;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labo4j.train.TorchCrossEntropyLoss;
import org.labo4j.vision.data.SyntheticDataset;
import org.labo4j.vision.model.ImageClassifier;
import org.labo4j.vision.model.ModelFactory;

/**
 * A run continued from a checkpoint ends with the same weights, bit for bit, as one that never
 * stopped: after a stop at an epoch boundary and after a stop in the middle of an epoch. Dropout,
 * augmentation, shuffling, momentum and the schedule all take part.
 */
class ResumeTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    static Path dir;
    private static Path data;

    @BeforeAll
    static void writeData() throws IOException {
        data = SyntheticDataset.write(Files.createDirectories(dir.resolve("data")), 240, 40, 11);
    }

    /** 200 training images in batches of 20: 10 steps per epoch, 2 epochs. */
    private static VisionTrainConfig config(String run) {
        return new VisionTrainConfig().set("dataDir", data.toString()).set("runDir", dir.resolve(run).toString())
                .set("validationSize", "40").set("epochs", "2").set("batchSize", "20").set("lr", "0.05")
                .set("warmupEpochs", "0.5").set("augment", "true").set("evalBatchSize", "100")
                .set("progressSeconds", "0").set("plots", "false").set("threads", "1");
    }

    @Test
    void resumedRunsEndWithIdenticalWeights() throws IOException {
        VisionRunResult straight = VisionTraining.run(config("straight"), new TorchCrossEntropyLoss(0.1), QUIET);
        assertTrue(straight.completed());

        VisionRunResult firstHalf = VisionTraining.run(config("boundary").set("stopAfterEpochs", "1"),
                new TorchCrossEntropyLoss(0.1), QUIET);
        assertFalse(firstHalf.completed());
        assertEquals(1, firstHalf.position().epoch());
        assertEquals(10, firstHalf.position().globalStep());
        VisionRunResult boundary = VisionTraining.run(config("boundary").set("resume", "true"),
                new TorchCrossEntropyLoss(0.1), QUIET);

        VisionRunResult cut = VisionTraining.run(config("midway").set("maxSteps", "13"),
                new TorchCrossEntropyLoss(0.1), QUIET);
        assertEquals(1, cut.position().epoch());
        assertEquals(3, cut.position().stepInEpoch());
        VisionRunResult midway = VisionTraining.run(config("midway").set("resume", "true"),
                new TorchCrossEntropyLoss(0.1), QUIET);

        assertSameWeights(dir.resolve("straight"), dir.resolve("boundary"));
        assertSameWeights(dir.resolve("straight"), dir.resolve("midway"));
        for (VisionRunResult resumed : List.of(boundary, midway)) {
            assertTrue(resumed.completed());
            assertEquals(2, resumed.history().size(), "one metrics row per epoch");
            assertEquals(straight.test().nll(), resumed.test().nll(), 0);
            for (int e = 0; e < 2; e++) {
                EpochMetrics a = straight.history().get(e);
                EpochMetrics b = resumed.history().get(e);
                assertEquals(a.trainLoss(), b.trainLoss(), 1e-6, "training loss of epoch " + (e + 1));
                assertEquals(a.validationNll(), b.validationNll(), 1e-6);
            }
        }
        assertTrue(Files.exists(dir.resolve("straight").resolve("final-metrics.json")));
    }

    @Test
    void refusesToOverwriteOrToResumeWithAnotherTrajectory() throws IOException {
        VisionTraining.run(config("guarded").set("maxSteps", "2"), new TorchCrossEntropyLoss(0), QUIET);
        assertThrows(IllegalStateException.class,
                () -> VisionTraining.run(config("guarded"), new TorchCrossEntropyLoss(0), QUIET));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VisionTraining.run(config("guarded").set("resume", "true").set("lr", "0.1"),
                        new TorchCrossEntropyLoss(0), QUIET));
        assertTrue(e.getMessage().contains("lr: 0.05 -> 0.1"), e.getMessage());
    }

    private static void assertSameWeights(Path runA, Path runB) throws IOException {
        ImageClassifier a = ModelFactory.create("small-cnn", 1, 28, 10);
        ImageClassifier b = ModelFactory.create("small-cnn", 1, 28, 10);
        Checkpoint.loadWeights(runA.resolve(Checkpoint.FILE_NAME), a);
        Checkpoint.loadWeights(runB.resolve(Checkpoint.FILE_NAME), b);
        assertSameTensors(a.named_parameters(true), b.named_parameters(true));
        assertSameTensors(a.named_buffers(true), b.named_buffers(true));
    }

    private static void assertSameTensors(StringTensorDict a, StringTensorDict b) {
        assertEquals(a.size(), b.size());
        for (long i = 0; i < a.size(); i++) {
            String name = a.get(i).key().getString();
            assertTrue(equal(a.get(i).value(), b.get(i).value()), name + " differs");
        }
    }
}
