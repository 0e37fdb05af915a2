package org.labo4j.vision.train;

import static org.bytedeco.pytorch.global.torch.equal;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.rand;
import static org.bytedeco.pytorch.global.torch.randint;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labo4j.train.TorchCrossEntropyLoss;
import org.labo4j.train.TrainingPosition;
import org.labo4j.vision.model.ImageClassifier;
import org.labo4j.vision.model.ModelFactory;

class CheckpointTest {
    @TempDir
    Path dir;

    private static void trainOneStep(ImageClassifier model, Optimizer optimizer) {
        optimizer.zero_grad();
        Tensor x = randn(4, 1, 28, 28);
        Tensor y = randint(0, 10, new long[] {4}, new TensorOptions(ScalarType.Long));
        new TorchCrossEntropyLoss(0).apply(model.forward(x), y).backward();
        optimizer.step();
    }

    @Test
    void restoresWeightsOptimizerStateGeneratorAndPosition() throws IOException {
        VisionTrainConfig config = new VisionTrainConfig().set("lr", "0.01");
        manual_seed(3);
        ImageClassifier model = ModelFactory.create("small-cnn", 1, 28, 10);
        Optimizer optimizer = OptimizerFactory.create(config, model.parameters());
        trainOneStep(model, optimizer);
        TrainingPosition position = new TrainingPosition(2, 5, 25, 12.5, 100, 160, 1, 2, 3);
        Path file = dir.resolve(Checkpoint.FILE_NAME);
        Checkpoint.save(file, model, optimizer, position, config, "some-loss");

        // What the original run does next: one more step (uses momentum and dropout RNG), then a draw.
        trainOneStep(model, optimizer);
        Tensor nextDraw = rand(3);

        manual_seed(99);
        ImageClassifier restored = ModelFactory.create("small-cnn", 1, 28, 10);
        Optimizer restoredOptimizer = OptimizerFactory.create(config, restored.parameters());
        Checkpoint.Metadata meta = Checkpoint.restore(file, restored, restoredOptimizer);
        assertEquals(position, meta.position());
        assertEquals(config.asMap(), meta.config().asMap());
        assertEquals("some-loss", meta.lossDescription());
        assertEquals("small-cnn", meta.architecture());

        trainOneStep(restored, restoredOptimizer);
        assertTrue(equal(nextDraw, rand(3)), "generator state restored");
        for (long i = 0; i < model.parameters().size(); i++) {
            assertTrue(equal(model.parameters().get(i), restored.parameters().get(i)), "parameter " + i);
        }
        for (long i = 0; i < model.buffers().size(); i++) {
            assertTrue(equal(model.buffers().get(i), restored.buffers().get(i)), "buffer " + i);
        }
    }

    @Test
    void readableErrorsForMissingCorruptOrForeignCheckpoints() throws IOException {
        assertThrows(NoSuchFileException.class, () -> Checkpoint.readMetadata(dir.resolve("none.pt")));

        Path garbage = Files.writeString(dir.resolve("garbage.pt"), "not a zip archive");
        IOException corrupt = assertThrows(IOException.class, () -> Checkpoint.readMetadata(garbage));
        assertTrue(corrupt.getMessage().contains(garbage.toString()), corrupt.getMessage());

        VisionTrainConfig config = new VisionTrainConfig();
        ImageClassifier cnn = ModelFactory.create("small-cnn", 1, 28, 10);
        Path file = dir.resolve("cnn.pt");
        Checkpoint.save(file, cnn, OptimizerFactory.create(config, cnn.parameters()), TrainingPosition.start(),
                config, "loss");
        ImageClassifier resnet = ModelFactory.create("resnet18", 1, 28, 10);
        assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.restore(file, resnet, OptimizerFactory.create(config, resnet.parameters())));
    }

    @Test
    void savingOverAnOldCheckpointLeavesOnlyTheNewOne() throws IOException {
        VisionTrainConfig config = new VisionTrainConfig();
        ImageClassifier model = ModelFactory.create("small-cnn", 1, 28, 10);
        Optimizer optimizer = OptimizerFactory.create(config, model.parameters());
        Path file = dir.resolve(Checkpoint.FILE_NAME);
        Checkpoint.save(file, model, optimizer, TrainingPosition.start(), config, "loss");
        Checkpoint.save(file, model, optimizer, TrainingPosition.start().nextEpoch(), config, "loss");
        assertEquals(1, Checkpoint.readMetadata(file).position().epoch());
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }
}
