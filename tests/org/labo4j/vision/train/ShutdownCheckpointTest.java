package org.labo4j.vision.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labo4j.vision.data.SyntheticDataset;
import org.labo4j.vision.model.ImageClassifier;
import org.labo4j.vision.model.ModelFactory;

/**
 * A real shutdown: a child JVM trains, receives SIGTERM (what Ctrl-C's SIGINT also triggers: JVM
 * shutdown hooks), and must leave a checkpoint of the step it had reached that loads again.
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
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ShutdownCheckpointTest.class.getName(), data.toString(), run.toString())
                .redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int progressLines = 0;
            while ((line = lines.readLine()) != null) {
                output.add(line);
                if (line.startsWith("epoch ") && line.contains(" step ") && ++progressLines == 3) {
                    // SIGTERM through the handle: Process.destroy() would also close our end of the pipe.
                    child.toHandle().destroy();
                }
            }
        } finally {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        String log = String.join("\n", output);
        assertTrue(log.contains("stopped at epoch"), log);
        Checkpoint.Metadata meta = Checkpoint.readMetadata(run.resolve(Checkpoint.FILE_NAME));
        assertTrue(meta.position().globalStep() > 0, "checkpoint at " + meta.position());
        ImageClassifier model = ModelFactory.create("small-cnn", 1, 28, 10);
        Checkpoint.restore(run.resolve(Checkpoint.FILE_NAME), model,
                OptimizerFactory.create(meta.config(), model.parameters()));
    }
}
