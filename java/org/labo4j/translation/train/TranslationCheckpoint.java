package org.labo4j.translation.train;

import static org.bytedeco.pytorch.global.torch.getDefaultCPUGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;
import org.labo4j.train.TrainingPosition;
import org.labo4j.translation.model.TransformerConfig;
import org.labo4j.translation.model.TranslationTransformer;
import org.labo4j.translation.tokenize.BpeTokenizer;
import org.labo4j.translation.tokenize.BpeTokenizerFile;
import org.labo4j.util.AtomicFiles;

/**
 * A resumable, self-contained snapshot of a translation run in one libtorch archive: {@code model}
 * (parameters and buffers), {@code optimizer} (Adam moments and step counts), {@code torch_rng} (the
 * CPU generator that drives dropout), {@code bpe} (the joint vocabulary) and {@code meta} (position,
 * run options, model sizes and loss, as properties text). With the vocabulary and the sizes inside, a
 * checkpoint translates on its own. Batch order needs no state: it derives from the seed and the
 * epoch. Text entries are stored as ASCII (properties escapes, Base64) so that no native string
 * conversion can alter them. Files are replaced atomically.
 */
public final class TranslationCheckpoint {
    public static final String FILE_NAME = "checkpoint.pt";
    /** The name under which the position's item count ({@code target tokens}) is stored. */
    private static final String POSITION_ITEMS = "trainTokens";
    private static final String FORMAT = "labo4j-translation 1";
    private static final String MODEL_PREFIX = "model.";

    /** The non-tensor part of a checkpoint. */
    public record Metadata(TrainingPosition position, TranslationTrainConfig config, TransformerConfig model,
            String lossDescription, BpeTokenizer tokenizer) {
    }

    /** A trained model with its vocabulary, in eval mode, ready to translate. */
    public record Loaded(TranslationTransformer model, BpeTokenizer tokenizer, Metadata metadata) {
    }

    private TranslationCheckpoint() {
    }

    /** Writes a checkpoint to {@code file}, replacing any previous one only once the new one is complete. */
    @SuppressWarnings("try") // scope held for its block only
    public static void save(Path file, TranslationTransformer model, Optimizer optimizer, TrainingPosition position,
            TranslationTrainConfig config, String lossDescription, BpeTokenizer tokenizer) throws IOException {
        Properties meta = config.toProperties();
        meta.setProperty("format", FORMAT);
        meta.putAll(model.config().toProperties(MODEL_PREFIX));
        meta.setProperty("loss", lossDescription);
        position.writeTo(meta, POSITION_ITEMS);
        String metaText = ascii(meta);
        String bpe = Base64.getEncoder().encodeToString(
                BpeTokenizerFile.toText(tokenizer).getBytes(StandardCharsets.UTF_8));
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
                archive.write("bpe", new IValue(bpe));
                archive.write("meta", new IValue(metaText));
                archive.save_to(temporary.toString());
            } catch (RuntimeException e) {
                throw new IOException(file + ": cannot write checkpoint: " + e.getMessage(), e);
            }
        });
    }

    /** Reads position, options, sizes, loss and vocabulary without touching any model. */
    @SuppressWarnings("try") // scope held for its block only
    public static Metadata readMetadata(Path file) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            return metadata(file, open(file));
        }
    }

    /**
     * Loads weights into {@code model}, state into {@code optimizer} and the torch generator state;
     * both must have been built with the checkpoint's sizes and options.
     */
    @SuppressWarnings("try") // scope held for its block only
    public static Metadata restore(Path file, TranslationTransformer model, Optimizer optimizer) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            InputArchive archive = open(file);
            Metadata metadata = metadata(file, archive);
            if (!metadata.model().equals(model.config())) {
                throw new IllegalArgumentException(file + " holds a model of sizes " + metadata.model()
                        + ", not " + model.config());
            }
            InputArchive modelArchive = new InputArchive();
            archive.read("model", modelArchive);
            model.load(modelArchive);
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

    /** The model and vocabulary of a checkpoint, for translation; the torch generator is left alone. */
    @SuppressWarnings("try") // scope held for its block only
    public static Loaded load(Path file) throws IOException {
        Metadata metadata = readMetadata(file);
        // Built outside any scope: the model keeps Java handles to some of its tensors.
        TranslationTransformer model = new TranslationTransformer(metadata.model());
        try (PointerScope scope = new PointerScope()) {
            InputArchive modelArchive = new InputArchive();
            open(file).read("model", modelArchive);
            model.load(modelArchive);
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot load weights: " + e.getMessage(), e);
        }
        model.eval();
        return new Loaded(model, metadata.tokenizer(), metadata);
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
        Properties meta = new Properties();
        BpeTokenizer tokenizer;
        try {
            IValue text = new IValue();
            archive.read("meta", text);
            meta.load(new StringReader(text.toStringRef().getString()));
            if (!FORMAT.equals(meta.getProperty("format"))) {
                throw new IOException(file + ": not a translation checkpoint (format " + meta.getProperty("format")
                        + ", expected " + FORMAT + ")");
            }
            IValue bpe = new IValue();
            archive.read("bpe", bpe);
            tokenizer = BpeTokenizerFile.fromText(new String(Base64.getDecoder().decode(
                    bpe.toStringRef().getString()), StandardCharsets.UTF_8));
            return new Metadata(TrainingPosition.readFrom(meta, POSITION_ITEMS), TranslationTrainConfig.fromProperties(meta),
                    TransformerConfig.fromProperties(meta, MODEL_PREFIX), meta.getProperty("loss"), tokenizer);
        } catch (RuntimeException e) {
            throw new IOException(file + ": unreadable checkpoint metadata: " + e.getMessage(), e);
        }
    }

    /** Properties as text with every non-ASCII character escaped, as {@code Properties.store(OutputStream)} does. */
    private static String ascii(Properties properties) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        properties.store(bytes, null);
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }
}
