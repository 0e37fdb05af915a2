package org.labo4j.translation.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.labo4j.train.OptionFields;
import org.labo4j.train.TrainingDevice;
import org.labo4j.translation.data.Language;
import org.labo4j.translation.data.Multi30kLocation;
import org.labo4j.translation.tokenize.BpeTokenizer;

/**
 * Every option of a translation training run, as public fields with defaults: a command line sets
 * them by name ({@link #set}), a checkpoint stores them as properties. The defaults train the small
 * Transformer on Multi30k in a few hours on a CPU; final-metrics.json records what a run reached.
 */
public final class TranslationTrainConfig {
    // --- data
    /** Directory holding Multi30k task 1's raw files ({@code train.de.gz}, ...). */
    public Path dataDir = Multi30kLocation.resolve();
    /** Source and target language codes: two different ones of en, de, fr, cs. */
    public String src = "";
    public String tgt = "";
    /** Use only the first N training / validation / test pairs (0: all); for quick runs. */
    public int limitTrain = 0;
    public int limitValid = 0;
    public int limitTest = 0;
    /** Size of the joint BPE vocabulary learned on both sides of the training pairs, special and byte ids included. */
    public int vocab = 8000;

    // --- model
    /** One of {@link ModelSizes#names()}. */
    public String model = "small";
    public double dropout = 0.1;

    // --- optimization
    public int epochs = 20;
    /** Token budget of a training batch: rows times the longest padded side. */
    public int maxTokens = 4096;
    /** Peak learning rate, reached at the end of the warm-up. */
    public double lr = 7e-4;
    /** Steps of linear warm-up, then inverse-square-root decay (500: four epochs of Multi30k at 4096 tokens). */
    public int warmupSteps = 500;
    public double adamBeta1 = 0.9;
    public double adamBeta2 = 0.98;
    public double adamEps = 1e-9;
    /** L2 penalty of Adam, on all parameters. */
    public double weightDecay = 0;
    /** Largest L2 norm of the whole gradient; larger ones are scaled down to it (0: no clipping). */
    public double clipNorm = 1.0;
    /** Seed of weight initialization, dropout and batch order. */
    public long seed = 1;

    // --- evaluation
    /** Translate the validation set after each epoch and report its BLEU (greedy decoding). */
    public boolean validBleu = true;
    /** Beam size of the final test-set evaluation (1: greedy only). */
    public int beam = 4;
    /**
     * GNMT length-penalty exponent of beam search (0: raw log-probabilities). 2.2: the value with the
     * smallest loss against each run's best on Multi30k validation sets (de→en and en→de, CE, LS, LABO);
     * GNMT's 0.6 left beam output 8–12% shorter than the references there.
     */
    public double lengthPenalty = 2.2;
    /** Sentences decoded together by greedy decoding. */
    public int decodeBatch = 64;
    /**
     * Keep the weights of the last this many epochs (epoch-weights/) and also test their average
     * (0: keep none; 1: keep the last, test no average).
     */
    public int averageLast = 5;

    // --- run control
    /** Where the checkpoint, metrics, charts, hypotheses and summary go. */
    public Path runDir = Path.of("runs", "translation");
    /** Continue the run saved in {@link #runDir}. */
    public boolean resume = false;
    /** Stop (with a checkpoint) after this many epochs of this invocation (0: never). */
    public int stopAfterEpochs = 0;
    /** Stop (with a checkpoint) once this many optimizer steps have been taken in total (0: never). */
    public long maxSteps = 0;
    /** Where model, optimizer state and batches live: cpu, cuda or cuda:N (CUDA needs libtorch's CUDA build). */
    public String device = "cpu";
    /** Intra-op threads for libtorch. */
    public int threads = Runtime.getRuntime().availableProcessors();
    /** Seconds between progress lines (0: one per epoch only). */
    public double progressSeconds = 10;
    /** Draw curves.png after each epoch. */
    public boolean plots = true;

    /**
     * Options that leave the sequence of weights unchanged, so a resumed run may change them. The
     * number of epochs is among them: the inverse-square-root schedule does not depend on the total,
     * so a finished run can be continued for more epochs. Thread count and device can change float
     * summation order (a checkpoint loads onto whichever device the resumed run uses).
     */
    private static final Set<String> OUTSIDE_TRAJECTORY = Set.of("dataDir", "limitValid", "limitTest", "epochs",
            "validBleu", "beam", "lengthPenalty", "decodeBatch", "averageLast", "runDir", "resume", "stopAfterEpochs", "maxSteps",
            "device", "threads", "progressSeconds", "plots");

    /** Throws IllegalArgumentException naming the first option with an impossible value. */
    public TranslationTrainConfig validate() {
        Language source = language("src", src);
        Language target = language("tgt", tgt);
        require(source != target, "tgt", tgt, "a language other than src");
        require(limitTrain >= 0, "limitTrain", limitTrain, ">= 0 (0 = all)");
        require(limitValid >= 0, "limitValid", limitValid, ">= 0 (0 = all)");
        require(limitTest >= 0, "limitTest", limitTest, ">= 0 (0 = all)");
        require(vocab > BpeTokenizer.FIRST_CHARACTER_ID + 100, "vocab", vocab,
                "> " + (BpeTokenizer.FIRST_CHARACTER_ID + 100) + " (260 ids are special and byte tokens)");
        require(ModelSizes.names().contains(model), "model", model, "one of " + ModelSizes.names());
        require(dropout >= 0 && dropout < 1, "dropout", dropout, "in [0, 1)");
        require(epochs >= 1, "epochs", epochs, ">= 1");
        require(maxTokens >= 16, "maxTokens", maxTokens, ">= 16");
        require(lr > 0 && Double.isFinite(lr), "lr", lr, "> 0");
        require(warmupSteps >= 1, "warmupSteps", warmupSteps, ">= 1");
        require(adamBeta1 >= 0 && adamBeta1 < 1, "adamBeta1", adamBeta1, "in [0, 1)");
        require(adamBeta2 >= 0 && adamBeta2 < 1, "adamBeta2", adamBeta2, "in [0, 1)");
        require(adamEps > 0, "adamEps", adamEps, "> 0");
        require(weightDecay >= 0, "weightDecay", weightDecay, ">= 0");
        require(averageLast >= 0, "averageLast", averageLast, ">= 0 (0 = keep no epoch weights)");
        require(clipNorm >= 0, "clipNorm", clipNorm, ">= 0 (0 = no clipping)");
        require(beam >= 1, "beam", beam, ">= 1");
        require(lengthPenalty >= 0, "lengthPenalty", lengthPenalty, ">= 0");
        require(decodeBatch >= 1, "decodeBatch", decodeBatch, ">= 1");
        require(stopAfterEpochs >= 0, "stopAfterEpochs", stopAfterEpochs, ">= 0 (0 = never)");
        require(maxSteps >= 0, "maxSteps", maxSteps, ">= 0 (0 = no limit)");
        TrainingDevice.parse(device);
        require(threads >= 1, "threads", threads, ">= 1");
        require(progressSeconds >= 0, "progressSeconds", progressSeconds, ">= 0");
        return this;
    }

    private static Language language(String name, String code) {
        require(!code.isEmpty(), name, "nothing", "one of en, de, fr, cs");
        try {
            return Language.fromCode(code);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be one of en, de, fr, cs, got " + code);
        }
    }

    private static void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(name + " must be " + expected + ", got " + value);
        }
    }

    public Language sourceLanguage() {
        return Language.fromCode(src);
    }

    public Language targetLanguage() {
        return Language.fromCode(tgt);
    }

    /** Sets an option from text, e.g. {@code set("lr", "5e-4")}. */
    public TranslationTrainConfig set(String name, String value) {
        OptionFields.set(this, name, value);
        return this;
    }

    public static List<String> optionNames() {
        return OptionFields.names(TranslationTrainConfig.class);
    }

    /** All options as text, in declaration order. */
    public Map<String, String> asMap() {
        return OptionFields.asMap(this);
    }

    public Properties toProperties() {
        return OptionFields.toProperties(this);
    }

    /** Options from properties; names absent there keep their defaults. */
    public static TranslationTrainConfig fromProperties(Properties properties) {
        TranslationTrainConfig config = new TranslationTrainConfig();
        OptionFields.setAll(config, properties);
        return config;
    }

    public TranslationTrainConfig copy() {
        return fromProperties(toProperties());
    }

    /** Options that would make a resumed run diverge from the one saved as {@code saved}: "name: saved -> this". */
    public List<String> trajectoryDifferences(TranslationTrainConfig saved) {
        return OptionFields.differences(saved, this, OUTSIDE_TRAJECTORY);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
