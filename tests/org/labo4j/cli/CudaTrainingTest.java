package org.labo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.labo4j.translation.data.Language;
import org.labo4j.translation.data.Multi30k;
import org.labo4j.translation.data.Multi30kSplit;
import org.labo4j.vision.data.SyntheticDataset;

/**
 * Training on a GPU from Java, end to end through the command line: the model, its optimizer state and
 * the batches on the device, the fused loss's CUDA kernels inside each step. Against a CPU run of the
 * same settings (the same data order and initial weights, dropout 0 since its masks would come from
 * another generator on the GPU): the first epoch's training loss must match up to float summation order
 * and cuDNN's convolution arithmetic. A GPU run's checkpoint must resume on the CPU.
 *
 * <p>Runs where libtorch has a CUDA device (on the GPU machine: {@code bench/gpu/run-torch-tests.sh});
 * skipped elsewhere.
 */
class CudaTrainingTest {
    @TempDir
    Path dir;

    private static CommandRun run(String... args) {
        return CommandRun.of("", args);
    }

    @BeforeEach
    void needsCuda() {
        assumeTrue(torch.cuda_is_available(), "libtorch sees no CUDA device");
    }

    /** Column {@code column} of {@code epoch} (1-based) in a run's metrics.csv. */
    private static double metric(Path run, int epoch, int column) throws IOException {
        final List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        return Double.parseDouble(lines.get(epoch).split(",")[column]);
    }

    /** The training loss of {@code epoch}: the third column in both tasks. */
    private static double trainLoss(Path run, int epoch) throws IOException {
        return metric(run, epoch, 2);
    }

    @Test
    @Timeout(600)
    void translationTrainsOnTheGpuMatchesTheCpuAndResumesOnTheCpu() throws IOException {
        final Multi30k corpus = Multi30k.atDefaultLocation();
        assumeTrue(Files.isDirectory(corpus.directory()), "Multi30k not found at " + corpus.directory());
        final Path gpu = dir.resolve("gpu");
        final Path cpu = dir.resolve("cpu");
        final String[] common = {"train", "translation", "--src", "de", "--tgt", "en", "--epochs", "2",
            "--limit-train", "3000", "--limit-valid", "50", "--limit-test", "30", "--vocab", "2000", "--model", "tiny",
            "--max-tokens", "2000", "--loss", "labo", "--kappa", "0.5", "--beam", "2", "--seed", "3", "--dropout", "0",
            "--plots", "false", "--progress-seconds", "0", "--data", corpus.directory().toString()};

        final CommandRun onGpu = run(concat(common, "--device", "cuda", "--stop-after-epochs", "1", "--out", gpu.toString()));
        assertEquals(0, onGpu.status(), onGpu.err());
        assertTrue(onGpu.err().contains("device cuda:0"), onGpu.err());
        final CommandRun onCpu = run(concat(common, "--device", "cpu", "--stop-after-epochs", "1", "--out", cpu.toString()));
        assertEquals(0, onCpu.status(), onCpu.err());
        final double lossGpu = trainLoss(gpu, 1);
        final double lossCpu = trainLoss(cpu, 1);
        assertTrue(Math.abs(lossGpu - lossCpu) <= 1e-2 * lossCpu, "first-epoch training loss: GPU " + lossGpu + ", CPU " + lossCpu);

        // The GPU run's checkpoint (weights and Adam moments on the device) continues on the CPU.
        final CommandRun resumed = run(concat(common, "--device", "cpu", "--resume", "--out", gpu.toString()));
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.out().contains("test BLEU"), resumed.out());
        assertTrue(trainLoss(gpu, 2) < lossGpu, "the second epoch lowers the training loss");

        // translate on the device: the same greedy translations as on the CPU, but for near ties.
        final String sources = String.join("\n", corpus.sentences(Multi30kSplit.TEST_2016_FLICKR, Language.DE).subList(0, 20)) + "\n";
        final String checkpoint = gpu.resolve("checkpoint.pt").toString();
        final CommandRun translatedGpu = CommandRun.of(sources, "translate", "--checkpoint", checkpoint, "--beam", "1", "--device", "cuda");
        final CommandRun translatedCpu = CommandRun.of(sources, "translate", "--checkpoint", checkpoint, "--beam", "1", "--device", "cpu");
        assertEquals(0, translatedGpu.status(), translatedGpu.err());
        assertEquals(0, translatedCpu.status(), translatedCpu.err());
        final List<String> linesGpu = translatedGpu.out().lines().toList();
        final List<String> linesCpu = translatedCpu.out().lines().toList();
        assertEquals(20, linesGpu.size(), translatedGpu.out());
        long same = 0;
        for (int i = 0; i < 20; i++) {
            same += linesGpu.get(i).equals(linesCpu.get(i)) ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "CudaTrainingTest translation: first-epoch loss GPU %.5f, CPU %.5f; "
                + "resumed on the CPU: epoch 2 %.5f; %d of 20 greedy translations identical%n",
                lossGpu, lossCpu, trainLoss(gpu, 2), same);
        assertTrue(same >= 16, same + " of 20 greedy translations agree between GPU and CPU");
    }

    @Test
    @Timeout(300)
    void visionTrainsOnTheGpuAndMatchesTheCpu() throws IOException {
        final Path data = SyntheticDataset.write(Files.createDirectories(dir.resolve("data")), 1200, 300, 7);
        final String[] common = {"train", "vision", "--loss", "labo", "--budget", "0.5", "--epochs", "2",
            "--validation-size", "200", "--batch-size", "50", "--seed", "4", "--dropout", "0", "--plots", "false",
            "--progress-seconds", "0", "--data", data.toString()};
        final Path gpu = dir.resolve("vision-gpu");
        final Path cpu = dir.resolve("vision-cpu");
        final CommandRun onGpu = run(concat(common, "--device", "cuda", "--out", gpu.toString()));
        assertEquals(0, onGpu.status(), onGpu.err());
        assertTrue(onGpu.err().contains("device cuda:0"), onGpu.err());
        final CommandRun onCpu = run(concat(common, "--device", "cpu", "--out", cpu.toString()));
        assertEquals(0, onCpu.status(), onCpu.err());
        final double lossGpu = trainLoss(gpu, 1);
        final double lossCpu = trainLoss(cpu, 1);
        assertTrue(Math.abs(lossGpu - lossCpu) <= 0.03 * lossCpu, "first-epoch training loss: GPU " + lossGpu + ", CPU " + lossCpu);
        final double accuracyGpu = metric(gpu, 2, 5);
        final double accuracyCpu = metric(cpu, 2, 5);
        System.out.printf(Locale.ROOT, "CudaTrainingTest vision: first-epoch loss GPU %.5f, CPU %.5f; "
                + "epoch-2 validation accuracy GPU %.4f, CPU %.4f%n", lossGpu, lossCpu, accuracyGpu, accuracyCpu);
        assertTrue(accuracyGpu >= accuracyCpu - 0.05, "validation accuracy: GPU " + accuracyGpu + ", CPU " + accuracyCpu);
        assertTrue(Files.isRegularFile(gpu.resolve("final-metrics.json")), "the GPU run finished with a test evaluation");
    }

    private static String[] concat(String[] head, String... tail) {
        final String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
