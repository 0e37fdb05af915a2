package org.labo4j.train;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.labo4j.LabelRegularizer;
import org.labo4j.Loss;

/**
 * Both trainers' loss path, with the autograd graph cut at the logits: the loss gives
 * {@code dL/dlogits}, which the trainer then pushes through the model. The gradients are those of one
 * backward call, and the loss's own forward and backward time is measured apart from the model's.
 * Rows whose target is the loss's {@code ignore_index} (padding in translation) get a zero gradient
 * and do not count in the mean.
 *
 * <p>labo4j's fused loss is called directly ({@link LabelRegularizer#forwardBackward}), without the
 * autograd hooks of {@link Loss#apply}, and writes its gradient into one buffer reused from step to
 * step (sized for the largest batch so far), because allocating and first touching a fresh
 * {@code N x V} tensor costs more than the kernel itself. Reuse is safe: the trainer's backward
 * through the model consumes the gradient before the next step, and autograd keeps no reference to it.
 */
public final class CutLoss {
    private final Loss loss;
    /** Outlives the per-step pointer scopes: one reference held here, released when replaced. */
    private Tensor gradientBuffer;

    /**
     * @param value the loss, a mean over the rows whose target is not ignored
     * @param logitsGradient {@code dL/dlogits}, shaped like the logits
     * @param nanos wall time of the loss's forward and backward
     */
    public record Result(double value, Tensor logitsGradient, long nanos) {
    }

    public CutLoss(Loss loss) {
        this.loss = loss;
    }

    public Loss loss() {
        return loss;
    }

    /** The loss of {@code logits [..., V]} against {@code targets [...]}, and its gradient for the logits. */
    public Result apply(Tensor logits, Tensor targets) {
        if (loss instanceof LabelRegularizer fused) {
            return applyFused(fused, logits.detach(), targets);
        }
        Tensor leaf = logits.detach().requires_grad_(true);
        long start = System.nanoTime();
        Tensor value = loss.apply(leaf, targets);
        value.backward();
        double scalar = value.item_double();
        long end = System.nanoTime();
        Tensor gradient = leaf.grad();
        if (!gradient.defined()) {
            throw new IllegalStateException("loss " + loss + " gave no gradient for the logits: Loss.apply"
                    + " must return a tensor connected to autograd");
        }
        return new Result(scalar, gradient, end - start);
    }

    private Result applyFused(LabelRegularizer fused, Tensor logits, Tensor targets) {
        long start = System.nanoTime();
        long elements = logits.numel();
        if (gradientBuffer == null || gradientBuffer.numel() < elements
                || !gradientBuffer.scalar_type().intern().equals(logits.scalar_type().intern())) {
            if (gradientBuffer != null) {
                gradientBuffer.releaseReference();
            }
            gradientBuffer = logits.new_empty(new long[] {elements}, new TensorOptions(logits.scalar_type().intern()));
            gradientBuffer.retainReference();
        }
        long[] shape = new long[(int) logits.dim()];
        for (int d = 0; d < shape.length; d++) {
            shape[d] = logits.size(d);
        }
        Tensor gradient = gradientBuffer.narrow(0, 0, elements).view(shape);
        double scalar = fused.forwardBackward(logits, targets, gradient, false).lossValue();
        long end = System.nanoTime();
        return new Result(scalar, gradient, end - start);
    }

    @Override
    public String toString() {
        return loss.toString();
    }
}
