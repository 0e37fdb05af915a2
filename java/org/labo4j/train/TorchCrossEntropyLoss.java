package org.labo4j.train;

import static org.bytedeco.pytorch.global.torch.cross_entropy;

import org.bytedeco.pytorch.CrossEntropyLossOptions;
import org.bytedeco.pytorch.Tensor;
import org.labo4j.LabelRegularizer;
import org.labo4j.Loss;

/**
 * libtorch's own {@code cross_entropy} (mean over rows whose target is not {@code ignore_index},
 * -100 unless given) with optional uniform label smoothing, as a {@link Loss}: the reference that
 * labo4j's losses are compared against.
 */
public final class TorchCrossEntropyLoss implements Loss {
    private final double labelSmoothing;
    private final long ignoreIndex;
    private final CrossEntropyLossOptions options;

    /** @param labelSmoothing PyTorch's {@code label_smoothing}, in [0, 1); 0 is plain cross-entropy */
    public TorchCrossEntropyLoss(double labelSmoothing) {
        this(labelSmoothing, LabelRegularizer.DEFAULT_IGNORE_INDEX);
    }

    /** @param ignoreIndex target value whose rows count neither in the loss nor in the mean (e.g. padding) */
    public TorchCrossEntropyLoss(double labelSmoothing, long ignoreIndex) {
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + labelSmoothing);
        }
        this.labelSmoothing = labelSmoothing;
        this.ignoreIndex = ignoreIndex;
        this.options = new CrossEntropyLossOptions();
        options.label_smoothing().put(labelSmoothing);
        options.ignore_index().put(ignoreIndex);
    }

    public double labelSmoothing() {
        return labelSmoothing;
    }

    public long ignoreIndex() {
        return ignoreIndex;
    }

    /** Logits {@code [N, V]} or {@code [B, S, V]}, targets {@code [N]} or {@code [B, S]}; returns the mean loss. */
    @Override
    public Tensor apply(Tensor logits, Tensor targets) {
        if (logits.dim() == 3) {
            return cross_entropy(logits.flatten(0, 1), targets.flatten(0, 1), options);
        }
        return cross_entropy(logits, targets, options);
    }

    @Override
    public String toString() {
        return "torch-cross-entropy(label_smoothing=" + labelSmoothing
                + (ignoreIndex == LabelRegularizer.DEFAULT_IGNORE_INDEX ? "" : ", ignore_index=" + ignoreIndex) + ")";
    }
}
