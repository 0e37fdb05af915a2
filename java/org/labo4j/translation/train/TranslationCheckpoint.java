package org.labo4j.translation.train;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Optimizer;
import org.labo4j.train.CheckpointArchive;
import org.labo4j.train.TrainingPosition;
import org.labo4j.translation.model.TransformerConfig;
import org.labo4j.translation.model.TranslationTransformer;
import org.labo4j.translation.tokenize.BpeTokenizer;
import org.labo4j.translation.tokenize.BpeTokenizerFile;
import org.labo4j.util.PropertiesText;

/**
 * A resumable, self-contained snapshot of a translation run in one {@link CheckpointArchive}:
 * {@code model} (parameters and buffers), {@code optimizer} (Adam moments and step counts),
 * {@code torch_rng} (the CPU generator that drives dropout), {@code bpe} (the joint vocabulary) and
 * {@code meta} (position, run options, model sizes and loss, as properties text). With the vocabulary
 * and the sizes inside, a checkpoint translates on its own. Batch order needs no state: it derives
 * from the seed and the epoch. Text entries are stored as ASCII (properties escapes, Base64) so that
 * no native string conversion can alter them. Files are replaced atomically.
 */
public final class TranslationCheckpoint {
    public static final String FILE_NAME = "checkpoint.pt";
    /** The name under which the position's item count (target tokens) is stored. */
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
    public static void save(Path file, TranslationTransformer model, Optimizer optimizer, TrainingPosition position,
            TranslationTrainConfig config, String lossDescription, BpeTokenizer tokenizer) throws IOException {
        Properties meta = config.toProperties();
        meta.setProperty("format", FORMAT);
        meta.putAll(model.config().toProperties(MODEL_PREFIX));
        meta.setProperty("loss", lossDescription);
        position.writeTo(meta, POSITION_ITEMS);
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("bpe", Base64.getEncoder().encodeToString(
                BpeTokenizerFile.toText(tokenizer).getBytes(StandardCharsets.UTF_8)));
        entries.put("meta", PropertiesText.ascii(meta, null));
        CheckpointArchive.save(file, model, optimizer, entries);
    }

    /** Reads position, options, sizes, loss and vocabulary without touching any model. */
    public static Metadata readMetadata(Path file) throws IOException {
        return CheckpointArchive.read(file, archive -> metadata(file, archive));
    }

    /**
     * Loads weights into {@code model}, state into {@code optimizer} and the torch generator state;
     * both must have been built with the checkpoint's sizes and options.
     */
    public static Metadata restore(Path file, TranslationTransformer model, Optimizer optimizer) throws IOException {
        return CheckpointArchive.restore(file, model, optimizer, archive -> {
            Metadata metadata = metadata(file, archive);
            if (!metadata.model().equals(model.config())) {
                throw new IllegalArgumentException(file + " holds a model of sizes " + metadata.model()
                        + ", not " + model.config());
            }
            return metadata;
        });
    }

    /** The model and vocabulary of a checkpoint, for translation; the torch generator is left alone. */
    public static Loaded load(Path file) throws IOException {
        Metadata metadata = readMetadata(file);
        // Built outside any scope: the model keeps Java handles to some of its tensors.
        TranslationTransformer model = new TranslationTransformer(metadata.model());
        CheckpointArchive.loadWeights(file, model);
        model.eval();
        return new Loaded(model, metadata.tokenizer(), metadata);
    }

    private static Metadata metadata(Path file, InputArchive archive) throws IOException {
        Properties meta = new Properties();
        BpeTokenizer tokenizer;
        try {
            meta.load(new StringReader(CheckpointArchive.readText(archive, "meta")));
            if (!FORMAT.equals(meta.getProperty("format"))) {
                throw new IOException(file + ": not a translation checkpoint (format " + meta.getProperty("format")
                        + ", expected " + FORMAT + ")");
            }
            tokenizer = BpeTokenizerFile.fromText(new String(Base64.getDecoder().decode(
                    CheckpointArchive.readText(archive, "bpe")), StandardCharsets.UTF_8));
            return new Metadata(TrainingPosition.readFrom(meta, POSITION_ITEMS),
                    TranslationTrainConfig.fromProperties(meta), TransformerConfig.fromProperties(meta, MODEL_PREFIX),
                    meta.getProperty("loss"), tokenizer);
        } catch (RuntimeException e) {
            throw new IOException(file + ": unreadable checkpoint metadata: " + e.getMessage(), e);
        }
    }
}
