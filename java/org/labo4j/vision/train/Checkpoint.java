package org.labo4j.vision.train;

import static org.bytedeco.pytorch.global.torch.getDefaultCPUGenerator;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;
import org.labo4j.train.TrainingPosition;
import org.labo4j.util.AtomicFiles;
import org.labo4j.vision.model.ImageClassifier;

/**
 * A resumable snapshot of a run in one libtorch archive (a zip file libtorch itself can read):
 * {@code model} (parameters and batch-norm buffers), {@code optimizer} (momentum / Adam moments and
 * step counts), {@code torch_rng} (the CPU generator that drives dropout) and {@code meta} (position,
 * configuration and loss, as properties text). Shuffling and augmentation need no state of their own:
 * they are derived from the seed, the epoch and the step. Files are replaced atomically.
 */
public final class Checkpoint {
    public static final String FILE_NAME = "checkpoint.pt";
    /** The name under which the position's item count ({@code images}) is stored. */
    private static final String POSITION_ITEMS = "trainSeen";
    private static final String FORMAT_VERSION = "1";

    /** The non-tensor part of a checkpoint. */
    public record Metadata(TrainingPosition position, VisionTrainConfig config, String architecture,
            String lossDescription) {
    }

    private Checkpoint() {
    }

    /** Writes a checkpoint to {@code file}, replacing any previous one only once the new one is complete. */
    @SuppressWarnings("try") // resources held for their scope only
    public static void save(Path file, ImageClassifier model, Optimizer optimizer, TrainingPosition position,
            VisionTrainConfig config, String lossDescription) throws IOException {
        Properties meta = config.toProperties();
        meta.setProperty("format", FORMAT_VERSION);
        meta.setProperty("architecture", model.architecture());
        meta.setProperty("loss", lossDescription);
        position.writeTo(meta, POSITION_ITEMS);
        AtomicFiles.write(file, temporary -> {
            try (PointerScope scope = new PointerScope()) {
                OutputArchive archive = new OutputArchive();
                OutputArchive modelArchive = new OutputArchive();
                model.save(modelArchive);
                archive.write("model", modelArchive);
                OutputArchive optimizerArchive = new OutputArchive();
                optimizer.save(optimizerArchive);
                archive.write("optimizer", optimizerArchive);
                archive.write("torch_rng", getDefaultCPUGenerator().get_state());
                archive.write("meta", new IValue(propertiesText(meta)));
                archive.save_to(temporary.toString());
            } catch (RuntimeException e) {
                throw new IOException(file + ": cannot write checkpoint: " + e.getMessage(), e);
            }
        });
    }

    /** Reads position, configuration and loss without touching any model. */
    @SuppressWarnings("try") // resources held for their scope only
    public static Metadata readMetadata(Path file) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            return metadata(file, open(file));
        }
    }

    /**
     * Loads weights into {@code model}, state into {@code optimizer} and the torch generator state;
     * the model and optimizer must have been built with the checkpoint's configuration.
     */
    @SuppressWarnings("try") // resources held for their scope only
    public static Metadata restore(Path file, ImageClassifier model, Optimizer optimizer) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            InputArchive archive = open(file);
            Metadata metadata = metadata(file, archive);
            if (!metadata.architecture().equals(model.architecture())) {
                throw new IllegalArgumentException(file + " holds a " + metadata.architecture() + ", not a "
                        + model.architecture());
            }
            loadModel(file, archive, model);
            InputArchive optimizerArchive = new InputArchive();
            archive.read("optimizer", optimizerArchive);
            optimizer.load(optimizerArchive);
            Tensor rng = new Tensor();
            archive.read("torch_rng", rng);
            getDefaultCPUGenerator().set_state(rng);
            return metadata;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot restore checkpoint: " + e.getMessage(), e);
        }
    }

    /** Loads only the weights (parameters and buffers), e.g. to evaluate or compare models. */
    @SuppressWarnings("try") // resources held for their scope only
    public static void loadWeights(Path file, ImageClassifier model) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            loadModel(file, open(file), model);
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot load weights: " + e.getMessage(), e);
        }
    }

    private static void loadModel(Path file, InputArchive archive, ImageClassifier model) {
        InputArchive modelArchive = new InputArchive();
        archive.read("model", modelArchive);
        model.load(modelArchive);
    }

    private static InputArchive open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no checkpoint");
        }
        InputArchive archive = new InputArchive();
        try {
            archive.load_from(file.toString());
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a readable checkpoint: " + e.getMessage(), e);
        }
        return archive;
    }

    private static Metadata metadata(Path file, InputArchive archive) throws IOException {
        IValue text = new IValue();
        archive.read("meta", text);
        Properties meta = new Properties();
        meta.load(new StringReader(text.toStringRef().getString()));
        if (!FORMAT_VERSION.equals(meta.getProperty("format"))) {
            throw new IOException(file + ": checkpoint format " + meta.getProperty("format") + ", expected "
                    + FORMAT_VERSION);
        }
        return new Metadata(TrainingPosition.readFrom(meta, POSITION_ITEMS), VisionTrainConfig.fromProperties(meta),
                meta.getProperty("architecture"), meta.getProperty("loss"));
    }

    private static String propertiesText(Properties properties) {
        StringWriter writer = new StringWriter();
        try {
            properties.store(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return writer.toString();
    }
}
