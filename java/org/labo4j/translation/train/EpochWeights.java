package org.labo4j.translation.train;

import static org.bytedeco.pytorch.global.torch.getDefaultCPUGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.labo4j.train.CheckpointArchive;
import org.labo4j.translation.model.TranslationTransformer;

/**
 * The weights at the end of the last few epochs, kept in {@code epoch-weights/} of a run, and their
 * average: averaging the last checkpoints of a Transformer usually translates better than the last
 * one alone (Vaswani et al. 2017 averaged the last 5). Snapshots hold weights only (≈ 4 bytes per
 * parameter each) and never take part in resuming.
 */
public final class EpochWeights {
    static final String DIRECTORY = "epoch-weights";
    private static final Pattern FILE = Pattern.compile("epoch-(\\d+)\\.pt");

    private EpochWeights() {
    }

    /** Saves the weights after {@code epoch} (1-based) and deletes all but the newest {@code keep} snapshots. */
    static void save(Path runDirectory, int epoch, TranslationTransformer model, int keep) throws IOException {
        Path directory = runDirectory.resolve(DIRECTORY);
        Files.createDirectories(directory);
        CheckpointArchive.saveWeights(directory.resolve(String.format(Locale.ROOT, "epoch-%03d.pt", epoch)), model);
        List<Path> all = snapshots(runDirectory);
        for (Path old : all.subList(0, Math.max(0, all.size() - keep))) {
            Files.deleteIfExists(old);
        }
    }

    /** The newest {@code count} snapshots of a run (fewer when it has fewer), oldest first. */
    public static List<Path> latest(Path runDirectory, int count) throws IOException {
        List<Path> all = snapshots(runDirectory);
        return all.subList(Math.max(0, all.size() - count), all.size());
    }

    /** The snapshots of a run, oldest first (none when the run kept none). */
    public static List<Path> snapshots(Path runDirectory) throws IOException {
        Path directory = runDirectory.resolve(DIRECTORY);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(directory)) {
            entries.filter(f -> FILE.matcher(f.getFileName().toString()).matches()).forEach(files::add);
        }
        files.sort((a, b) -> Integer.compare(epochOf(a), epochOf(b)));
        return files;
    }

    private static int epochOf(Path file) {
        Matcher m = FILE.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(file + " is not an epoch snapshot");
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * Sets every parameter and buffer of {@code model} to its mean over {@code files} (snapshots of a
     * model of the same sizes), accumulated in fp64.
     */
    @SuppressWarnings("try") // guard held for its scope only
    public static void loadAverage(List<Path> files, TranslationTransformer model) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no weights to average");
        }
        // The scratch model's initial weights would draw on the global generator: leave its state alone.
        Tensor generatorState = getDefaultCPUGenerator().get_state();
        TranslationTransformer scratch = new TranslationTransformer(model.config());
        getDefaultCPUGenerator().set_state(generatorState);
        List<Tensor> sums = new ArrayList<>();
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (Path file : files) {
                CheckpointArchive.loadWeights(file, scratch);
                List<Tensor> loaded = tensorsOf(scratch);
                for (int i = 0; i < loaded.size(); i++) {
                    Tensor value = loaded.get(i).to(ScalarType.Double);
                    if (i == sums.size()) {
                        sums.add(value.clone());
                    } else {
                        sums.get(i).add_(value);
                    }
                }
            }
            Scalar count = new Scalar(files.size());
            List<Tensor> targets = tensorsOf(model);
            for (int i = 0; i < targets.size(); i++) {
                targets.get(i).copy_(sums.get(i).div(count));
            }
        }
    }

    /** Parameters, then buffers, in the module tree's order. */
    private static List<Tensor> tensorsOf(TranslationTransformer model) {
        List<Tensor> tensors = new ArrayList<>();
        TensorVector parameters = model.parameters();
        for (long i = 0; i < parameters.size(); i++) {
            tensors.add(parameters.get(i));
        }
        TensorVector buffers = model.buffers();
        for (long i = 0; i < buffers.size(); i++) {
            tensors.add(buffers.get(i));
        }
        return tensors;
    }
}
