package org.labo4j.cli;

import org.labo4j.LabelRegularizer;
import org.labo4j.Loss;
import org.labo4j.Regularization;
import org.labo4j.Temperature;
import org.labo4j.train.TorchCrossEntropyLoss;

/**
 * The loss options shared by the training commands: {@code --loss ce|ls|labo}, {@code --alpha},
 * {@code --temperature} or {@code --budget} (also spelled {@code --kappa}, its symbol in METHOD.md),
 * and {@code --loss-impl fused|libtorch} (libtorch's cross_entropy as the reference implementation of
 * CE and LS; both ignore the rows whose target is {@code ignoreIndex}).
 */
final class LossChoice {
    String loss = "labo";
    Double alpha;
    Double temperature;
    Double budget;
    String impl = "fused";
    long ignoreIndex = LabelRegularizer.DEFAULT_IGNORE_INDEX;

    /** Default weight of the smoothing distribution for LS and LABO. */
    static final double DEFAULT_ALPHA = 0.1;
    /** Default LABO rule: the per-row budget, kappa = 0.5. */
    static final double DEFAULT_BUDGET = 0.5;

    /** Consumes {@code option value} if it is a loss option; returns false otherwise. */
    boolean accept(String option, String value) {
        switch (option) {
            case "--loss" -> loss = value;
            case "--alpha" -> alpha = parse(option, value);
            case "--temperature" -> temperature = parse(option, value);
            case "--budget", "--kappa" -> budget = parse(option, value);
            case "--loss-impl" -> impl = value;
            default -> {
                return false;
            }
        }
        return true;
    }

    private static double parse(String option, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + value + " is not a number");
        }
    }

    Regularization member() {
        return switch (loss) {
            case "ce" -> Regularization.CROSS_ENTROPY;
            case "ls" -> Regularization.LABEL_SMOOTHING;
            case "labo" -> Regularization.LABO;
            default -> throw new IllegalArgumentException("loss " + loss + " must be ce, ls or labo");
        };
    }

    /** The fused regularizer these options describe. */
    LabelRegularizer regularizer() {
        final Regularization member = member();
        if (member != Regularization.LABO && (temperature != null || budget != null)) {
            throw new IllegalArgumentException("--temperature and --budget/--kappa apply to --loss labo only");
        }
        if (temperature != null && budget != null) {
            throw new IllegalArgumentException("give --temperature or --budget/--kappa, not both");
        }
        final LabelRegularizer.Builder b = LabelRegularizer.builder(member).ignoreIndex(ignoreIndex);
        if (member != Regularization.CROSS_ENTROPY) {
            b.alpha(alpha != null ? alpha : DEFAULT_ALPHA);
        } else if (alpha != null && alpha != 0) {
            throw new IllegalArgumentException("--alpha " + alpha + " has no meaning for --loss ce");
        }
        if (member == Regularization.LABO) {
            b.temperature(temperature != null ? Temperature.fixed(temperature) : Temperature.budget(budget != null ? budget : DEFAULT_BUDGET));
        }
        return b.build();
    }

    /** The loss to train with: the fused regularizer, or libtorch's cross_entropy for CE and LS. */
    Loss build() {
        final LabelRegularizer fused = regularizer();
        return switch (impl) {
            case "fused" -> fused;
            case "libtorch" -> {
                if (fused.regularization() == Regularization.LABO) {
                    throw new IllegalArgumentException("--loss-impl libtorch supports --loss ce and ls only");
                }
                yield new TorchCrossEntropyLoss(fused.alpha(), ignoreIndex);
            }
            default -> throw new IllegalArgumentException("--loss-impl " + impl + " must be fused or libtorch");
        };
    }
}
