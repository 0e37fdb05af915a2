package org.labo4j;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.labo4j.nativeapi.LaboNative;
import org.labo4j.nativeapi.LaboNative.LossArgs;
import org.labo4j.nativeapi.LaboNative.LossConfig;

/** One call of the fused native kernel on libtorch tensors: argument marshalling and status handling. */
final class FusedLossCall {
    private FusedLossCall() {}

    /** Where the gradient goes. */
    enum GradTarget { NONE, NEW_TENSOR, IN_PLACE, GIVEN }

    static LossOutput run(LabelRegularizer regularizer, Tensor logits, Tensor targets, GradTarget gradTarget,
                          boolean diagnostics) {
        return run(regularizer, logits, targets, gradTarget, null, diagnostics);
    }

    static LossOutput run(LabelRegularizer regularizer, Tensor logits, Tensor targets, GradTarget gradTarget,
                          Tensor givenGrad, boolean diagnostics) {
        final TensorChecks.RowLayout layout = TensorChecks.checkLogits(logits);
        TensorChecks.checkTargets(targets, logits, layout);
        final long gradRowStride = switch (gradTarget) {
            case NONE, NEW_TENSOR -> layout.vocab();
            case IN_PLACE -> layout.rowStride();
            case GIVEN -> TensorChecks.checkGradientOut(givenGrad, logits).rowStride();
        };

        final TensorOptions floatOptions = new TensorOptions(ScalarType.Float);
        final boolean perRow = regularizer.reduction() == Reduction.NONE;
        final Tensor loss = perRow ? logits.new_empty(layout.leadingShape(), floatOptions)
                : logits.new_empty(new long[0], floatOptions);
        final Tensor grad = switch (gradTarget) {
            case NONE -> null;
            case NEW_TENSOR -> logits.new_empty(TensorChecks.sizes(logits), new TensorOptions(TensorChecks.dtype(logits)));
            case IN_PLACE -> logits;
            case GIVEN -> givenGrad;
        };
        final Tensor temperature = diagnostics ? logits.new_empty(layout.leadingShape(), floatOptions) : null;
        final Tensor entropy = diagnostics ? logits.new_empty(layout.leadingShape(), floatOptions) : null;
        final Tensor pTarget = diagnostics ? logits.new_empty(layout.leadingShape(), floatOptions) : null;

        try (LossConfig config = regularizer.nativeConfig(); LossArgs args = new LossArgs()) {
            args.dtype(nativeDtype(TensorChecks.dtype(logits)))
                    .rows(layout.rows())
                    .vocab(layout.vocab())
                    .logits_row_stride(layout.rowStride())
                    .logits(logits.data_ptr())
                    .targets(targets.data_ptr_long())
                    .loss(loss.data_ptr_float());
            if (grad != null) {
                args.grad(grad.data_ptr()).grad_row_stride(gradRowStride);
            }
            if (diagnostics) {
                args.row_temperature(temperature.data_ptr_float())
                        .row_entropy(entropy.data_ptr_float())
                        .row_p_target(pTarget.data_ptr_float());
            }
            if (logits.is_cuda()) {
                final int device = logits.device().index();
                args.device_type(LaboNative.LABO_DEVICE_CUDA).device_index(device).stream(CudaStreams.current(device));
            }
            LaboException.throwIfFailed(LaboNative.labo_loss_forward_backward(config, args));
        }
        return new LossOutput(loss, grad, temperature, entropy, pTarget);
    }

    static int nativeDtype(ScalarType type) {
        return switch (type) {
            case Float -> LaboNative.LABO_DTYPE_FLOAT32;
            case BFloat16 -> LaboNative.LABO_DTYPE_BFLOAT16;
            case Half -> LaboNative.LABO_DTYPE_FLOAT16;
            default -> throw new IllegalArgumentException("logits dtype = " + type + " is not supported");
        };
    }

    /** libtorch's current CUDA stream; a class of its own so that CPU-only use never loads CUDA classes. */
    static final class CudaStreams {
        private CudaStreams() {}

        static Pointer current(int device) {
            return org.bytedeco.pytorch.global.torch_cuda.getCurrentCUDAStream((byte) device).stream();
        }
    }
}
