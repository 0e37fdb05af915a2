package org.labo4j.vision.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.labo4j.train.OptionFields;
import org.labo4j.train.TrainingDevice;
import org.labo4j.vision.data.FashionMnist;
import org.labo4j.vision.model.ModelFactory;
import org.labo4j.vision.model.SmallCnn;

/**
 * Every option of a vision training run. Public fields with defaults, so a command line can set any of
 * them by name through {@link #set(String, String)}, and a checkpoint can store them as properties.
 * The defaults (the {@link SmallCnn}, 10 epochs of Nesterov SGD with a cosine schedule) aim at 91%+
 * test accuracy on Fashion-MNIST; final-metrics.json records what a run reached.
 */
public final class VisionTrainConfig {
    // --- data
    /** Directory holding the four MNIST-layout IDX files (gzip'd or not). */
    public Path dataDir = FashionMnist.DEFAULT_DIRECTORY;
    /** Images held out of the 60,000 training images for per-epoch validation (0: no validation). */
    public int validationSize = 5000;
    /** Seed of the train/validation split, separate from {@link #seed} so runs with different seeds
     * are still compared on the same validation images. */
    public long splitSeed = 42;
    /** Train on only the first N images of the training split (0: all); for quick checks. */
    public int trainSubset = 0;
    /** Random crop with zero padding plus horizontal flip on training images. */
    public boolean augment = false;
    /** Zero padding, in pixels, around each image before the random crop. */
    public int augmentPadding = 4;

    // --- model
    /** Architecture name, one of {@link ModelFactory#names()}. */
    public String model = SmallCnn.NAME;
    /** Dropout probability of small-cnn before its hidden layer (resnet18 has no dropout). */
    public double dropout = ModelFactory.SMALL_CNN_DROPOUT;

    // --- optimization
    public int epochs = 10;
    public int batchSize = 128;
    public OptimizerKind optimizer = OptimizerKind.SGD;
    /** Peak learning rate (after warm-up). 0.05 suits SGD with batch 128; AdamW wants about 1e-3. */
    public double lr = 0.05;
    /** SGD momentum. */
    public double momentum = 0.9;
    /** Nesterov momentum for SGD. */
    public boolean nesterov = true;
    /** L2 penalty for SGD, decoupled decay for AdamW; applied to all parameters. */
    public double weightDecay = 5e-4;
    public double adamBeta1 = 0.9;
    public double adamBeta2 = 0.999;
    public double adamEps = 1e-8;
    public ScheduleKind schedule = ScheduleKind.COSINE;
    /** Linear warm-up from lr/warmupSteps to lr over this many epochs (fractions allowed). */
    public double warmupEpochs = 1;
    /** Final learning rate of the cosine schedule, as a fraction of {@link #lr}. */
    public double minLrFraction = 0;
    /** Period of the step schedule, in epochs. */
    public int stepEpochs = 30;
    /** Factor of the step schedule. */
    public double stepGamma = 0.1;
    /** Seed of weight initialization, dropout (torch generator), shuffling and augmentation. */
    public long seed = 1;

    // --- run control
    /** Where metrics.csv, the checkpoint, plots and final metrics go. */
    public Path runDir = Path.of("runs", "vision");
    /** Continue the run saved in {@link #runDir} instead of starting a new one. */
    public boolean resume = false;
    /** Stop (with a checkpoint) after this many epochs of this invocation (0: never); the schedule
     * still spans {@link #epochs}, so a later resume continues it unchanged. */
    public int stopAfterEpochs = 0;
    /** Stop (with a checkpoint) once this many optimizer steps have been taken in total (0: never). */
    public long maxSteps = 0;
    /** Where model, optimizer state and batches live: cpu, cuda or cuda:N (CUDA needs libtorch's CUDA build). */
    public String device = "cpu";
    /** Intra-op threads for libtorch. */
    public int threads = Runtime.getRuntime().availableProcessors();
    /** Batch size for validation and test passes (no gradients, so larger than training). */
    public int evalBatchSize = 500;
    /** Seconds between progress lines on stderr (0: one per epoch only). */
    public double progressSeconds = 10;
    /**
     * Write pictures into the run directory: the training charts and, for LABO, the smoothing pictures
     * (false: none, so a run needs no AWT or fonts, as on a bare GPU machine).
     */
    public boolean plots = true;

    /**
     * Fields that do not change the sequence of weights a run produces, so they may differ between a
     * run and its resumption. Thread count and device are among them although they can change float
     * summation order (a checkpoint loads onto whichever device the resumed run uses).
     */
    private static final Set<String> OUTSIDE_TRAJECTORY = Set.of(
            "dataDir", "runDir", "resume", "stopAfterEpochs", "maxSteps", "device", "threads", "evalBatchSize",
            "progressSeconds", "plots");

    /** Throws IllegalArgumentException naming the first option with an impossible value. */
    public VisionTrainConfig validate() {
        require(validationSize >= 0, "validationSize", validationSize, ">= 0");
        require(trainSubset >= 0, "trainSubset", trainSubset, ">= 0 (0 = all)");
        require(augmentPadding >= 0, "augmentPadding", augmentPadding, ">= 0");
        require(ModelFactory.names().contains(model), "model", model, "one of " + ModelFactory.names());
        require(dropout >= 0 && dropout < 1, "dropout", dropout, "in [0, 1)");
        require(epochs >= 1, "epochs", epochs, ">= 1");
        require(batchSize >= 2, "batchSize", batchSize, ">= 2 (batch norm needs two images)");
        require(lr > 0 && Double.isFinite(lr), "lr", lr, "> 0");
        require(momentum >= 0 && momentum < 1, "momentum", momentum, "in [0, 1)");
        require(!nesterov || optimizer != OptimizerKind.SGD || momentum > 0, "nesterov", nesterov,
                "false when momentum is 0 (Nesterov needs momentum)");
        require(weightDecay >= 0, "weightDecay", weightDecay, ">= 0");
        require(adamBeta1 >= 0 && adamBeta1 < 1, "adamBeta1", adamBeta1, "in [0, 1)");
        require(adamBeta2 >= 0 && adamBeta2 < 1, "adamBeta2", adamBeta2, "in [0, 1)");
        require(adamEps > 0, "adamEps", adamEps, "> 0");
        require(warmupEpochs >= 0 && warmupEpochs <= epochs, "warmupEpochs", warmupEpochs, "in [0, epochs]");
        require(minLrFraction >= 0 && minLrFraction <= 1, "minLrFraction", minLrFraction, "in [0, 1]");
        require(stepEpochs >= 1, "stepEpochs", stepEpochs, ">= 1");
        require(stepGamma > 0 && stepGamma <= 1, "stepGamma", stepGamma, "in (0, 1]");
        require(stopAfterEpochs >= 0, "stopAfterEpochs", stopAfterEpochs, ">= 0 (0 = never)");
        require(maxSteps >= 0, "maxSteps", maxSteps, ">= 0 (0 = no limit)");
        TrainingDevice.parse(device);
        require(threads >= 1, "threads", threads, ">= 1");
        require(evalBatchSize >= 1, "evalBatchSize", evalBatchSize, ">= 1");
        require(progressSeconds >= 0, "progressSeconds", progressSeconds, ">= 0");
        return this;
    }

    private static void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(name + " must be " + expected + ", got " + value);
        }
    }

    /** Sets an option from text, e.g. {@code set("lr", "0.1")}, {@code set("optimizer", "adamw")}. */
    public VisionTrainConfig set(String name, String value) {
        OptionFields.set(this, name, value);
        return this;
    }

    /** Option names in declaration order, for help texts. */
    public static List<String> optionNames() {
        return OptionFields.names(VisionTrainConfig.class);
    }

    /** All options as text, in declaration order. */
    public Map<String, String> asMap() {
        return OptionFields.asMap(this);
    }

    public Properties toProperties() {
        return OptionFields.toProperties(this);
    }

    /** Options from properties; names absent there keep their defaults. */
    public static VisionTrainConfig fromProperties(Properties properties) {
        VisionTrainConfig config = new VisionTrainConfig();
        OptionFields.setAll(config, properties);
        return config;
    }

    public VisionTrainConfig copy() {
        return fromProperties(toProperties());
    }

    /**
     * Options that would make a resumed run diverge from the run saved with {@code saved}, as
     * "name: saved -> this" lines (empty when resuming is exact).
     */
    public List<String> trajectoryDifferences(VisionTrainConfig saved) {
        return OptionFields.differences(saved, this, OUTSIDE_TRAJECTORY);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
