package org.labo4j;

import java.util.Objects;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.labo4j.nativeapi.LaboNative;
import org.labo4j.nativeapi.LaboNative.LossConfig;

/**
 * A label-regularized classification loss computed by one fused native kernel: cross-entropy,
 * label smoothing, or LABO (METHOD.md). Immutable and thread-safe.
 *
 * <pre>{@code
 * LabelRegularizer loss = LabelRegularizer.labo()
 *         .alpha(0.1)
 *         .temperature(Temperature.budget(0.5))
 *         .ignoreIndex(padId)
 *         .build();
 * Tensor l = loss.apply(logits, targets);   // logits [N, V] or [B, S, V], targets int64 [N] or [B, S]
 * l.backward();                             // the fused kernel's gradient, computed in forward
 * }</pre>
 *
 * <p>{@link #apply} on logits that require a gradient computes the gradient during the forward call
 * and holds it until {@code backward()} runs on the result (or a tensor built from it); the softmax
 * is never recomputed. Double backward is not supported. Without grad mode, or when the logits do not
 * require a gradient, only the loss is computed. {@link #forwardBackward} returns the loss, the
 * gradient and per-row diagnostics without autograd.
 */
public final class LabelRegularizer implements Loss {
    /** PyTorch's default ignore_index. */
    public static final long DEFAULT_IGNORE_INDEX = -100;

    private final Regularization regularization;
    private final double alpha;
    private final Temperature temperature;
    private final long ignoreIndex;
    private final Reduction reduction;
    private final int numThreads;

    private LabelRegularizer(Builder b) {
        this.regularization = b.regularization;
        this.alpha = b.alpha;
        this.temperature = b.temperature;
        this.ignoreIndex = b.ignoreIndex;
        this.reduction = b.reduction;
        this.numThreads = b.numThreads;
    }

    /** Plain cross-entropy. */
    public static Builder crossEntropy() {
        return new Builder(Regularization.CROSS_ENTROPY);
    }

    /** Label smoothing with weight {@code alpha} on the uniform distribution (PyTorch's {@code label_smoothing}). */
    public static Builder labelSmoothing(double alpha) {
        return new Builder(Regularization.LABEL_SMOOTHING).alpha(alpha);
    }

    /** LABO; defaults: {@code alpha = 0.1}, {@code Temperature.budget(0.5)}. */
    public static Builder labo() {
        return new Builder(Regularization.LABO);
    }

    public static Builder builder(Regularization regularization) {
        return new Builder(regularization);
    }

    /**
     * The loss, connected to autograd when {@code logits} require a gradient.
     *
     * @throws IllegalArgumentException for a bad dtype, device, rank, shape, layout or target
     */
    @Override
    public Tensor apply(Tensor logits, Tensor targets) {
        final boolean needsGrad = logits != null && !logits.isNull() && logits.defined()
                && logits.requires_grad() && GradMode.is_enabled();
        // The kernel reads raw memory: it must never see a tensor that autograd is tracking in place.
        final Tensor raw = needsGrad ? logits.detach() : logits;
        final LossOutput out = FusedLossCall.run(this, raw, targets,
                needsGrad ? FusedLossCall.GradTarget.NEW_TENSOR : FusedLossCall.GradTarget.NONE, false);
        if (!needsGrad) {
            return out.loss();
        }
        return AutogradBridge.attach(logits, out.loss(), out.grad(), reduction == Reduction.NONE);
    }

    /** Loss and gradient (a new tensor) in one call, without autograd. */
    public LossOutput forwardBackward(Tensor logits, Tensor targets) {
        return FusedLossCall.run(this, logits, targets, FusedLossCall.GradTarget.NEW_TENSOR, false);
    }

    /**
     * Loss and gradient with the options spelled out.
     *
     * @param inPlace     write the gradient over the logits (saves N x V memory; the logits are lost)
     * @param diagnostics also return per-row temperature, entropy of r and target probability
     */
    public LossOutput forwardBackward(Tensor logits, Tensor targets, boolean inPlace, boolean diagnostics) {
        return FusedLossCall.run(this, logits, targets,
                inPlace ? FusedLossCall.GradTarget.IN_PLACE : FusedLossCall.GradTarget.NEW_TENSOR, diagnostics);
    }

    /**
     * Loss and gradient written into {@code gradOut} (same dtype, device and shape as the logits), so a
     * training loop can reuse one gradient buffer across steps.
     */
    public LossOutput forwardBackward(Tensor logits, Tensor targets, Tensor gradOut, boolean diagnostics) {
        return FusedLossCall.run(this, logits, targets, FusedLossCall.GradTarget.GIVEN, gradOut, diagnostics);
    }

    /** The loss and per-row diagnostics, no gradient. */
    public LossOutput forward(Tensor logits, Tensor targets, boolean diagnostics) {
        return FusedLossCall.run(this, logits, targets, FusedLossCall.GradTarget.NONE, diagnostics);
    }

    public Regularization regularization() {
        return regularization;
    }

    public double alpha() {
        return alpha;
    }

    /** The temperature rule, or {@code null} unless this is LABO. */
    public Temperature temperature() {
        return temperature;
    }

    public long ignoreIndex() {
        return ignoreIndex;
    }

    public Reduction reduction() {
        return reduction;
    }

    /** A copy with another reduction. */
    public LabelRegularizer withReduction(Reduction r) {
        return toBuilder().reduction(r).build();
    }

    public Builder toBuilder() {
        final Builder b = new Builder(regularization).alpha(alpha).ignoreIndex(ignoreIndex).reduction(reduction)
                .numThreads(numThreads);
        if (temperature != null) {
            b.temperature(temperature);
        }
        return b;
    }

    /**
     * This regularizer as the C ABI's {@code labo_loss_config}, for callers that drive the native
     * library on raw buffers ({@link org.labo4j.cuda.CudaLoss}). The caller closes it.
     */
    public LossConfig nativeConfig() {
        final LossConfig c = new LossConfig();
        c.alpha(alpha).ignore_index(ignoreIndex).num_threads(numThreads).reduction(switch (reduction) {
            case NONE -> LaboNative.LABO_REDUCTION_NONE;
            case MEAN -> LaboNative.LABO_REDUCTION_MEAN;
            case SUM -> LaboNative.LABO_REDUCTION_SUM;
        });
        switch (regularization) {
            case CROSS_ENTROPY -> c.smoothing(LaboNative.LABO_SMOOTHING_NONE).alpha(0);
            case LABEL_SMOOTHING -> c.smoothing(LaboNative.LABO_SMOOTHING_UNIFORM);
            case LABO -> {
                c.smoothing(LaboNative.LABO_SMOOTHING_TEMPERED);
                if (temperature instanceof Temperature.Fixed f) {
                    c.temperature_rule(LaboNative.LABO_TEMPERATURE_FIXED).temperature(f.t());
                } else if (temperature instanceof Temperature.Budget b) {
                    c.temperature_rule(LaboNative.LABO_TEMPERATURE_BUDGET).budget(b.kappa());
                }
            }
        }
        return c;
    }

    @Override
    public String toString() {
        return switch (regularization) {
            case CROSS_ENTROPY -> "cross-entropy";
            case LABEL_SMOOTHING -> "label-smoothing(alpha=" + alpha + ")";
            case LABO -> "labo(alpha=" + alpha + ", temperature=" + temperature + ")";
        } + (reduction == Reduction.MEAN ? "" : ", reduction=" + reduction)
                + (ignoreIndex == DEFAULT_IGNORE_INDEX ? "" : ", ignoreIndex=" + ignoreIndex);
    }

    /** Builder; every setter checks its argument and names it in the exception. */
    public static final class Builder {
        private final Regularization regularization;
        private double alpha;
        private Temperature temperature;
        private long ignoreIndex = DEFAULT_IGNORE_INDEX;
        private Reduction reduction = Reduction.MEAN;
        private int numThreads;

        private Builder(Regularization regularization) {
            this.regularization = Objects.requireNonNull(regularization, "regularization");
            if (regularization == Regularization.LABO) {
                alpha = 0.1;
                temperature = Temperature.budget(0.5);
            }
        }

        /** Weight of the smoothing distribution, in [0, 1). Not used by cross-entropy. */
        public Builder alpha(double value) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException("alpha = " + value + " must be in [0, 1)");
            }
            if (regularization == Regularization.CROSS_ENTROPY && value != 0) {
                throw new IllegalArgumentException("alpha = " + value + " has no meaning for cross-entropy");
            }
            this.alpha = value;
            return this;
        }

        /** LABO's temperature rule. */
        public Builder temperature(Temperature value) {
            Objects.requireNonNull(value, "temperature");
            if (regularization != Regularization.LABO) {
                throw new IllegalArgumentException("temperature = " + value + " applies to LABO only, not " + regularization);
            }
            this.temperature = value;
            return this;
        }

        /** Rows whose target equals this value have loss 0, gradient 0, and do not count in the mean. */
        public Builder ignoreIndex(long value) {
            this.ignoreIndex = value;
            return this;
        }

        public Builder reduction(Reduction value) {
            this.reduction = Objects.requireNonNull(value, "reduction");
            return this;
        }

        /** CPU threads for the kernel; 0 (default) uses libtorch's / OpenMP's current setting. */
        public Builder numThreads(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("numThreads = " + value + " must be >= 0");
            }
            this.numThreads = value;
            return this;
        }

        public LabelRegularizer build() {
            return new LabelRegularizer(this);
        }
    }
}
