package org.labo4j.train;

import java.util.Properties;

/**
 * Where a run stands: everything besides weights, optimizer state and the torch generator that a
 * resumed run needs to continue exactly. {@code epoch} is 0-based and {@code stepInEpoch} steps of it
 * are done; {@code stepInEpoch == stepsPerEpoch} means its training is done but not its evaluation.
 * The partial sums cover the epoch so far, so an epoch interrupted midway still reports its full-epoch
 * training averages. {@code trainItems} counts what the loss is averaged over: images for vision,
 * target tokens for translation. Both tasks keep this same position; only the name under which a
 * checkpoint stores {@code trainItems} differs.
 */
public record TrainingPosition(int epoch, int stepInEpoch, long globalStep, double trainLossSum, long trainCorrect,
        long trainItems, long stepNanos, long lossNanos, long dataNanos) {

    public static TrainingPosition start() {
        return new TrainingPosition(0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** The first step of the next epoch, with the epoch's sums reset. */
    public TrainingPosition nextEpoch() {
        return new TrainingPosition(epoch + 1, 0, globalStep, 0, 0, 0, 0, 0, 0);
    }

    /** This position after one more step whose mean loss over {@code items} items was {@code loss}. */
    public TrainingPosition afterStep(double loss, long correct, long items, long stepTime, long lossTime,
            long dataTime) {
        return new TrainingPosition(epoch, stepInEpoch + 1, globalStep + 1, trainLossSum + loss * items,
                trainCorrect + correct, trainItems + items, stepNanos + stepTime, lossNanos + lossTime,
                dataNanos + dataTime);
    }

    /** Mean training loss per item over the epoch so far; NaN before its first step. */
    public double meanTrainLoss() {
        return trainItems == 0 ? Double.NaN : trainLossSum / trainItems;
    }

    /** Share of items the model ranked first while training on them; NaN before the epoch's first step. */
    public double trainAccuracy() {
        return trainItems == 0 ? Double.NaN : (double) trainCorrect / trainItems;
    }

    /**
     * Writes the position as {@code position.*} properties, {@code trainItems} under
     * {@code "position." + itemsName} (each task's checkpoints name it after what it counts).
     */
    public void writeTo(Properties properties, String itemsName) {
        properties.setProperty("position.epoch", Integer.toString(epoch));
        properties.setProperty("position.stepInEpoch", Integer.toString(stepInEpoch));
        properties.setProperty("position.globalStep", Long.toString(globalStep));
        properties.setProperty("position.trainLossSum", Double.toString(trainLossSum));
        properties.setProperty("position.trainCorrect", Long.toString(trainCorrect));
        properties.setProperty("position." + itemsName, Long.toString(trainItems));
        properties.setProperty("position.stepNanos", Long.toString(stepNanos));
        properties.setProperty("position.lossNanos", Long.toString(lossNanos));
        properties.setProperty("position.dataNanos", Long.toString(dataNanos));
    }

    /** Reads what {@link #writeTo} wrote with the same {@code itemsName}. */
    public static TrainingPosition readFrom(Properties properties, String itemsName) {
        return new TrainingPosition(
                Integer.parseInt(required(properties, "position.epoch")),
                Integer.parseInt(required(properties, "position.stepInEpoch")),
                Long.parseLong(required(properties, "position.globalStep")),
                Double.parseDouble(required(properties, "position.trainLossSum")),
                Long.parseLong(required(properties, "position.trainCorrect")),
                Long.parseLong(required(properties, "position." + itemsName)),
                Long.parseLong(required(properties, "position.stepNanos")),
                Long.parseLong(required(properties, "position.lossNanos")),
                Long.parseLong(required(properties, "position.dataNanos")));
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("checkpoint metadata lacks " + key);
        }
        return value;
    }
}
