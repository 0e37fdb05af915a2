package org.labo4j.train;

import static org.bytedeco.pytorch.global.torch.getDefaultCPUGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;
import org.labo4j.util.AtomicFiles;

/**
 * The libtorch archive (a zip file libtorch itself can read) that holds a checkpoint of either task:
 * {@code model} (parameters and buffers), {@code optimizer} (its moments and step counts),
 * {@code torch_rng} (the CPU generator that drives dropout) and text entries such as {@code meta}.
 * Writing replaces the file atomically; restoring puts model, optimizer and generator back exactly.
 * What the text entries say, and how it is checked against the model being restored, stays with
 * each task's checkpoint class.
 */
public final class CheckpointArchive {
    /** Reads and checks a checkpoint's text entries, e.g. its metadata. */
    @FunctionalInterface
    public interface EntryReader<T> {
        T read(InputArchive archive) throws IOException;
    }

    private CheckpointArchive() {
    }

    /**
     * Writes {@code model}, {@code optimizer}, the torch generator state and {@code textEntries} (in
     * iteration order) to {@code file}, replacing any previous one only once the new one is complete.
     */
    public static void save(Path file, Module model, Optimizer optimizer, Map<String, String> textEntries)
            throws IOException {
        write(file, "checkpoint", model, archive -> {
            OutputArchive optimizerArchive = new OutputArchive();
            optimizer.save(optimizerArchive);
            archive.write("optimizer", optimizerArchive);
            archive.write("torch_rng", getDefaultCPUGenerator().get_state());
            textEntries.forEach((name, text) -> archive.write(name, new IValue(text)));
        });
    }

    /**
     * Writes only {@code model}'s weights (parameters and buffers) to {@code file}, atomically, in the
     * layout {@link #loadWeights} reads: a snapshot to average or evaluate, not to resume from.
     */
    public static void saveWeights(Path file, Module model) throws IOException {
        write(file, "weights", model, archive -> { });
    }

    /** An archive with {@code model} under "model" and what {@code rest} adds, written atomically. */
    @SuppressWarnings("try") // scope held for its block only
    private static void write(Path file, String what, Module model, Consumer<OutputArchive> rest) throws IOException {
        AtomicFiles.write(file, temporary -> {
            try (PointerScope scope = new PointerScope()) {
                OutputArchive archive = new OutputArchive();
                OutputArchive modelArchive = new OutputArchive();
                model.save(modelArchive);
                archive.write("model", modelArchive);
                rest.accept(archive);
                archive.save_to(temporary.toString());
            } catch (RuntimeException e) {
                throw new IOException(file + ": cannot write " + what + ": " + e.getMessage(), e);
            }
        });
    }

    /** What {@code reader} reads from the checkpoint in {@code file}, without touching any model. */
    @SuppressWarnings("try") // scope held for its block only
    public static <T> T read(Path file, EntryReader<T> reader) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            return reader.read(open(file, TrainingDevice.CPU.device()));
        }
    }

    /**
     * Reads and checks the entries with {@code reader} (which throws IllegalArgumentException for a
     * checkpoint that does not fit {@code model}), then loads weights into {@code model}, state into
     * {@code optimizer} and the torch generator state; returns what {@code reader} read.
     */
    @SuppressWarnings("try") // scope held for its block only
    public static <T> T restore(Path file, Module model, Optimizer optimizer, EntryReader<T> reader)
            throws IOException {
        try (PointerScope scope = new PointerScope()) {
            InputArchive archive = open(file, TrainingDevice.of(model));
            T entries = reader.read(archive);
            loadModel(archive, model);
            InputArchive optimizerArchive = new InputArchive();
            archive.read("optimizer", optimizerArchive);
            optimizer.load(optimizerArchive);
            Tensor rng = new Tensor();
            archive.read("torch_rng", rng);
            getDefaultCPUGenerator().set_state(rng.cpu());
            return entries;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot restore checkpoint: " + e.getMessage(), e);
        }
    }

    /** Loads only the weights (parameters and buffers), e.g. to evaluate, compare or translate. */
    @SuppressWarnings("try") // scope held for its block only
    public static void loadWeights(Path file, Module model) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            loadModel(open(file, TrainingDevice.of(model)), model);
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot load weights: " + e.getMessage(), e);
        }
    }

    /** The text entry {@code name}. */
    public static String readText(InputArchive archive, String name) {
        IValue text = new IValue();
        archive.read(name, text);
        return text.toStringRef().getString();
    }

    private static void loadModel(InputArchive archive, Module model) {
        InputArchive modelArchive = new InputArchive();
        archive.read("model", modelArchive);
        model.load(modelArchive);
    }

    /**
     * The archive with every tensor placed on {@code device}, the one the model lives on: a checkpoint
     * written on a GPU loads into a model on the CPU and the other way round, optimizer state included.
     */
    private static InputArchive open(Path file, Device device) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no checkpoint");
        }
        InputArchive archive = new InputArchive();
        try {
            archive.load_from(file.toString(), new DeviceOptional(device));
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a readable checkpoint: " + e.getMessage(), e);
        }
        return archive;
    }
}
