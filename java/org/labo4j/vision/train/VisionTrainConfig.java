package org.labo4j.vision.train;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

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
    /** Intra-op threads for libtorch. */
    public int threads = Runtime.getRuntime().availableProcessors();
    /** Batch size for validation and test passes (no gradients, so larger than training). */
    public int evalBatchSize = 500;
    /** Seconds between progress lines on stderr (0: one per epoch only). */
    public double progressSeconds = 10;
    /** Write PNG charts into the run directory. */
    public boolean plots = true;

    /**
     * Fields that do not change the sequence of weights a run produces, so they may differ between a
     * run and its resumption. Thread count is among them although it can change float summation order.
     */
    private static final Set<String> OUTSIDE_TRAJECTORY = Set.of(
            "dataDir", "runDir", "resume", "stopAfterEpochs", "maxSteps", "threads", "evalBatchSize",
            "progressSeconds", "plots");

    /** Throws IllegalArgumentException naming the first option with an impossible value. */
    public VisionTrainConfig validate() {
        require(validationSize >= 0, "validationSize", validationSize, ">= 0");
        require(trainSubset >= 0, "trainSubset", trainSubset, ">= 0 (0 = all)");
        require(augmentPadding >= 0, "augmentPadding", augmentPadding, ">= 0");
        require(ModelFactory.names().contains(model), "model", model, "one of " + ModelFactory.names());
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
        Field field = field(name);
        try {
            field.set(this, parse(field.getType(), value.trim()));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option " + name + ": cannot use '" + value + "' ("
                    + e.getMessage() + ")", e);
        }
        return this;
    }

    /** Option names in declaration order, for help texts. */
    public static List<String> optionNames() {
        List<String> names = new ArrayList<>();
        for (Field f : optionFields()) {
            names.add(f.getName());
        }
        return names;
    }

    /** All options as text, in declaration order. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (Field f : optionFields()) {
            try {
                map.put(f.getName(), format(f.get(this)));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return map;
    }

    public Properties toProperties() {
        Properties properties = new Properties();
        asMap().forEach(properties::setProperty);
        return properties;
    }

    /** Options from properties; names absent there keep their defaults. */
    public static VisionTrainConfig fromProperties(Properties properties) {
        VisionTrainConfig config = new VisionTrainConfig();
        for (String name : optionNames()) {
            String value = properties.getProperty(name);
            if (value != null) {
                config.set(name, value);
            }
        }
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
        List<String> differences = new ArrayList<>();
        Map<String, String> mine = asMap();
        saved.asMap().forEach((name, value) -> {
            if (!OUTSIDE_TRAJECTORY.contains(name) && !value.equals(mine.get(name))) {
                differences.add(name + ": " + value + " -> " + mine.get(name));
            }
        });
        return differences;
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

    private static List<Field> optionFields() {
        List<Field> fields = new ArrayList<>();
        for (Field f : VisionTrainConfig.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && !Modifier.isStatic(m)) {
                fields.add(f);
            }
        }
        return fields;
    }

    private static Field field(String name) {
        for (Field f : optionFields()) {
            if (f.getName().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown option '" + name + "'; known: " + optionNames());
    }

    private static Object parse(Class<?> type, String text) {
        if (type == String.class) {
            return text;
        } else if (type == int.class) {
            return Integer.parseInt(text);
        } else if (type == long.class) {
            return Long.parseLong(text);
        } else if (type == double.class) {
            return Double.parseDouble(text);
        } else if (type == boolean.class) {
            if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException("expected true or false");
            }
            return Boolean.parseBoolean(text);
        } else if (type == Path.class) {
            return Path.of(text);
        } else if (type.isEnum()) {
            return enumValue(type, text);
        }
        throw new IllegalStateException("no parser for option type " + type);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> type, String text) {
        return Enum.valueOf((Class<? extends Enum>) type, text.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    private static String format(Object value) {
        // Doubles print in Java's shortest round-trip form, so parse(format(x)) == x exactly.
        return String.valueOf(value);
    }
}
