package org.labo4j.vision.train;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Optimizer;
import org.labo4j.train.CheckpointArchive;
import org.labo4j.train.TrainingPosition;
import org.labo4j.util.PropertiesText;
import org.labo4j.vision.model.ImageClassifier;

/**
 * A resumable snapshot of a vision run in one {@link CheckpointArchive}: {@code model} (parameters and
 * batch-norm buffers), {@code optimizer} (momentum / Adam moments and step counts), {@code torch_rng}
 * (the CPU generator that drives dropout) and {@code meta} (position, configuration and loss, as
 * properties text). Shuffling and augmentation need no state of their own: they are derived from the
 * seed, the epoch and the step. Files are replaced atomically.
 */
public final class Checkpoint {
    public static final String FILE_NAME = "checkpoint.pt";
    /** The name under which the position's item count (images) is stored. */
    private static final String POSITION_ITEMS = "trainSeen";
    private static final String FORMAT_VERSION = "1";

    /** The non-tensor part of a checkpoint. */
    public record Metadata(TrainingPosition position, VisionTrainConfig config, String architecture,
            String lossDescription) {
    }

    private Checkpoint() {
    }

    /** Writes a checkpoint to {@code file}, replacing any previous one only once the new one is complete. */
    public static void save(Path file, ImageClassifier model, Optimizer optimizer, TrainingPosition position,
            VisionTrainConfig config, String lossDescription) throws IOException {
        Properties meta = config.toProperties();
        meta.setProperty("format", FORMAT_VERSION);
        meta.setProperty("architecture", model.architecture());
        meta.setProperty("loss", lossDescription);
        position.writeTo(meta, POSITION_ITEMS);
        CheckpointArchive.save(file, model, optimizer, Map.of("meta", PropertiesText.of(meta, null)));
    }

    /** Reads position, configuration and loss without touching any model. */
    public static Metadata readMetadata(Path file) throws IOException {
        return CheckpointArchive.read(file, archive -> metadata(file, archive));
    }

    /**
     * Loads weights into {@code model}, state into {@code optimizer} and the torch generator state;
     * the model and optimizer must have been built with the checkpoint's configuration.
     */
    public static Metadata restore(Path file, ImageClassifier model, Optimizer optimizer) throws IOException {
        return CheckpointArchive.restore(file, model, optimizer, archive -> {
            Metadata metadata = metadata(file, archive);
            if (!metadata.architecture().equals(model.architecture())) {
                throw new IllegalArgumentException(file + " holds a " + metadata.architecture() + ", not a "
                        + model.architecture());
            }
            return metadata;
        });
    }

    /** Loads only the weights (parameters and buffers), e.g. to evaluate or compare models. */
    public static void loadWeights(Path file, ImageClassifier model) throws IOException {
        CheckpointArchive.loadWeights(file, model);
    }

    private static Metadata metadata(Path file, InputArchive archive) throws IOException {
        Properties meta = new Properties();
        meta.load(new StringReader(CheckpointArchive.readText(archive, "meta")));
        if (!FORMAT_VERSION.equals(meta.getProperty("format"))) {
            throw new IOException(file + ": checkpoint format " + meta.getProperty("format") + ", expected "
                    + FORMAT_VERSION);
        }
        return new Metadata(TrainingPosition.readFrom(meta, POSITION_ITEMS), VisionTrainConfig.fromProperties(meta),
                meta.getProperty("architecture"), meta.getProperty("loss"));
    }
}
