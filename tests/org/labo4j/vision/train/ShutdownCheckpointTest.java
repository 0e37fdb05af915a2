package org.labo4j.vision.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labo4j.train.TerminatedTraining;
import org.labo4j.train.TorchCrossEntropyLoss;
import org.labo4j.vision.data.SyntheticDataset;
import org.labo4j.vision.model.ImageClassifier;
import org.labo4j.vision.model.ModelFactory;

/**
 * A real shutdown ({@link TerminatedTraining}): a child JVM trains, receives SIGTERM, and must leave a
 * checkpoint of the step it had reached that loads again.
 */
class ShutdownCheckpointTest {
    @TempDir
    Path dir;

    /** The child: trains for far longer than the test waits. */
    public static void main(String[] args) throws IOException {
        VisionTrainConfig config = new VisionTrainConfig().set("dataDir", args[0]).set("runDir", args[1])
                .set("validationSize", "100").set("epochs", "1000").set("batchSize", "50")
                .set("progressSeconds", "0.2").set("plots", "false").set("threads", "1");
        VisionTraining.run(config, new TorchCrossEntropyLoss(0), System.err);
    }

    @Test
    void terminationLeavesAResumableCheckpoint() throws Exception {
        Path data = SyntheticDataset.write(Files.createDirectories(dir.resolve("data")), 600, 100, 5);
        Path run = dir.resolve("run");
        String log = TerminatedTraining.run(ShutdownCheckpointTest.class, data.toString(), run.toString());
        assertTrue(log.contains("stopped at epoch"), log);
        Checkpoint.Metadata meta = Checkpoint.readMetadata(run.resolve(Checkpoint.FILE_NAME));
        assertTrue(meta.position().globalStep() > 0, "checkpoint at " + meta.position());
        ImageClassifier model = ModelFactory.create("small-cnn", 1, 28, 10);
        Checkpoint.restore(run.resolve(Checkpoint.FILE_NAME), model,
                OptimizerFactory.create(meta.config(), model.parameters()));
    }
}
