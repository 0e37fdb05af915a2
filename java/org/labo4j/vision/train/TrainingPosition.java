package org.labo4j.vision.train;

import java.util.Properties;

/**
 * Where a run stands: everything besides weights, optimizer state and the torch generator that a
 * resumed run needs to continue exactly. {@code epoch} is 0-based and {@code stepInEpoch} steps of it
 * are done; {@code stepInEpoch == stepsPerEpoch} means its training is done but not its evaluation.
 * The partial sums let an epoch interrupted midway still report its full-epoch training averages.
 */
public record TrainingPosition(int epoch, int stepInEpoch, long globalStep, double trainLossSum, long trainCorrect,
        long trainSeen, long stepNanos, long lossNanos, long dataNanos) {

    public static TrainingPosition start() {
        return new TrainingPosition(0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** The first step of the next epoch, with the epoch's sums reset. */
    public TrainingPosition nextEpoch() {
        return new TrainingPosition(epoch + 1, 0, globalStep, 0, 0, 0, 0, 0, 0);
    }

    /** This position after one more step. */
    public TrainingPosition afterStep(double loss, long correct, int images, long stepTime, long lossTime,
            long dataTime) {
        return new TrainingPosition(epoch, stepInEpoch + 1, globalStep + 1, trainLossSum + loss * images,
                trainCorrect + correct, trainSeen + images, stepNanos + stepTime, lossNanos + lossTime,
                dataNanos + dataTime);
    }

    void writeTo(Properties properties) {
        properties.setProperty("position.epoch", Integer.toString(epoch));
        properties.setProperty("position.stepInEpoch", Integer.toString(stepInEpoch));
        properties.setProperty("position.globalStep", Long.toString(globalStep));
        properties.setProperty("position.trainLossSum", Double.toString(trainLossSum));
        properties.setProperty("position.trainCorrect", Long.toString(trainCorrect));
        properties.setProperty("position.trainSeen", Long.toString(trainSeen));
        properties.setProperty("position.stepNanos", Long.toString(stepNanos));
        properties.setProperty("position.lossNanos", Long.toString(lossNanos));
        properties.setProperty("position.dataNanos", Long.toString(dataNanos));
    }

    static TrainingPosition readFrom(Properties properties) {
        return new TrainingPosition(
                Integer.parseInt(required(properties, "position.epoch")),
                Integer.parseInt(required(properties, "position.stepInEpoch")),
                Long.parseLong(required(properties, "position.globalStep")),
                Double.parseDouble(required(properties, "position.trainLossSum")),
                Long.parseLong(required(properties, "position.trainCorrect")),
                Long.parseLong(required(properties, "position.trainSeen")),
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
