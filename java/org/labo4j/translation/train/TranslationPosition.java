package org.labo4j.translation.train;

import java.util.Properties;

/**
 * Where a translation run stands: everything besides weights, optimizer state and the torch generator
 * that a resumed run needs to continue exactly. {@code epoch} is 0-based and {@code stepInEpoch} of
 * its steps are done. The sums cover the epoch so far (target tokens, not sentences, weigh the loss),
 * so an epoch interrupted midway still reports its full-epoch averages.
 */
public record TranslationPosition(int epoch, int stepInEpoch, long globalStep, double trainLossSum,
        long trainCorrect, long trainTokens, long stepNanos, long lossNanos, long dataNanos) {

    public static TranslationPosition start() {
        return new TranslationPosition(0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** The first step of the next epoch, with the epoch's sums reset. */
    public TranslationPosition nextEpoch() {
        return new TranslationPosition(epoch + 1, 0, globalStep, 0, 0, 0, 0, 0, 0);
    }

    /** This position after one more step whose mean loss over {@code tokens} target tokens was {@code loss}. */
    public TranslationPosition afterStep(double loss, long correct, long tokens, long stepTime, long lossTime,
            long dataTime) {
        return new TranslationPosition(epoch, stepInEpoch + 1, globalStep + 1, trainLossSum + loss * tokens,
                trainCorrect + correct, trainTokens + tokens, stepNanos + stepTime, lossNanos + lossTime,
                dataNanos + dataTime);
    }

    public double meanTrainLoss() {
        return trainTokens == 0 ? Double.NaN : trainLossSum / trainTokens;
    }

    public double trainTokenAccuracy() {
        return trainTokens == 0 ? Double.NaN : (double) trainCorrect / trainTokens;
    }

    void writeTo(Properties p) {
        p.setProperty("position.epoch", Integer.toString(epoch));
        p.setProperty("position.stepInEpoch", Integer.toString(stepInEpoch));
        p.setProperty("position.globalStep", Long.toString(globalStep));
        p.setProperty("position.trainLossSum", Double.toString(trainLossSum));
        p.setProperty("position.trainCorrect", Long.toString(trainCorrect));
        p.setProperty("position.trainTokens", Long.toString(trainTokens));
        p.setProperty("position.stepNanos", Long.toString(stepNanos));
        p.setProperty("position.lossNanos", Long.toString(lossNanos));
        p.setProperty("position.dataNanos", Long.toString(dataNanos));
    }

    static TranslationPosition readFrom(Properties p) {
        return new TranslationPosition(Integer.parseInt(required(p, "position.epoch")),
                Integer.parseInt(required(p, "position.stepInEpoch")),
                Long.parseLong(required(p, "position.globalStep")),
                Double.parseDouble(required(p, "position.trainLossSum")),
                Long.parseLong(required(p, "position.trainCorrect")),
                Long.parseLong(required(p, "position.trainTokens")),
                Long.parseLong(required(p, "position.stepNanos")),
                Long.parseLong(required(p, "position.lossNanos")),
                Long.parseLong(required(p, "position.dataNanos")));
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("checkpoint metadata lacks " + key);
        }
        return value;
    }
}
