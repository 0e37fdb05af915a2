package org.labo4j;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Checks of tensor arguments, done in Java before any native call so that no input reaches a kernel unchecked. */
final class TensorChecks {
    private TensorChecks() {}

    /** The layout of logits seen as {@code rows x vocab} with a uniform row stride. */
    record RowLayout(long rows, long vocab, long rowStride, long[] leadingShape) {}

    static RowLayout checkLogits(Tensor logits) {
        if (logits == null || logits.isNull() || !logits.defined()) {
            throw new IllegalArgumentException("logits must be a defined tensor");
        }
        final ScalarType dtype = dtype(logits);
        if (dtype != ScalarType.Float && dtype != ScalarType.BFloat16 && dtype != ScalarType.Half) {
            throw new IllegalArgumentException("logits dtype = " + dtype + " is not supported (float32, bfloat16, float16)");
        }
        if (!logits.is_cpu() && !logits.is_cuda()) {
            throw new IllegalArgumentException("logits device = " + deviceName(logits) + " is not supported (cpu, cuda)");
        }
        final int rank = (int) logits.dim();
        if (rank != 2 && rank != 3) {
            throw new IllegalArgumentException("logits rank = " + rank + " (shape " + shape(logits)
                    + ") must be 2 [N, V] or 3 [B, S, V]");
        }
        final long vocab = logits.size(rank - 1);
        if (vocab < 2) {
            throw new IllegalArgumentException("logits vocab (last dimension) = " + vocab + " must be >= 2");
        }
        if (logits.stride(rank - 1) != 1 && logits.numel() > 0) {
            throw new IllegalArgumentException("logits rows must be contiguous: stride of the last dimension = "
                    + logits.stride(rank - 1) + " (call contiguous() first)");
        }
        final long[] leading = new long[rank - 1];
        long rows = 1;
        for (int d = 0; d < rank - 1; d++) {
            leading[d] = logits.size(d);
            rows *= leading[d];
        }
        // Rows must sit at a uniform stride: the innermost leading dimension's, and each outer one
        // a whole multiple of it (dimensions of size 1 do not matter).
        long rowStride = vocab;
        long expected = -1;
        for (int d = rank - 2; d >= 0; d--) {
            if (leading[d] == 1) {
                continue;
            }
            if (expected < 0) {
                rowStride = logits.stride(d);
                expected = rowStride * leading[d];
            } else if (logits.stride(d) != expected) {
                throw new IllegalArgumentException("logits rows must be evenly strided: shape " + shape(logits)
                        + ", strides " + strides(logits) + " (call contiguous() first)");
            } else {
                expected *= leading[d];
            }
        }
        if (rowStride < vocab) {
            throw new IllegalArgumentException("logits row stride = " + rowStride + " overlaps rows of vocab " + vocab);
        }
        return new RowLayout(rows, vocab, rowStride, leading);
    }

    /** A caller-given gradient buffer: the logits' dtype, device and shape, rows evenly strided. */
    static RowLayout checkGradientOut(Tensor grad, Tensor logits) {
        if (grad == null || grad.isNull() || !grad.defined()) {
            throw new IllegalArgumentException("gradOut must be a defined tensor");
        }
        if (dtype(grad) != dtype(logits)) {
            throw new IllegalArgumentException("gradOut dtype = " + dtype(grad) + " must equal logits dtype = " + dtype(logits));
        }
        if (grad.is_cuda() != logits.is_cuda()
                || (logits.is_cuda() && grad.device().index() != logits.device().index())) {
            throw new IllegalArgumentException("gradOut device = " + deviceName(grad) + " differs from logits device = " + deviceName(logits));
        }
        if (!shape(grad).equals(shape(logits))) {
            throw new IllegalArgumentException("gradOut shape = " + shape(grad) + " must equal logits shape = " + shape(logits));
        }
        final RowLayout layout = checkLogits(grad);
        if (grad.data_ptr().address() != logits.data_ptr().address() && overlaps(grad, logits)) {
            throw new IllegalArgumentException("gradOut overlaps the logits without being them (use inPlace instead)");
        }
        return layout;
    }

    private static boolean overlaps(Tensor a, Tensor b) {
        final long a0 = a.data_ptr().address();
        final long b0 = b.data_ptr().address();
        return a0 < b0 + spanBytes(b) && b0 < a0 + spanBytes(a);
    }

    /** Bytes from a tensor's first element to just past its last one. */
    private static long spanBytes(Tensor t) {
        if (t.numel() == 0) {
            return 0;
        }
        long last = 0;
        for (int d = 0; d < t.dim(); d++) {
            last += (t.size(d) - 1) * t.stride(d);
        }
        return (last + 1) * t.element_size();
    }

    static void checkTargets(Tensor targets, Tensor logits, RowLayout layout) {
        if (targets == null || targets.isNull() || !targets.defined()) {
            throw new IllegalArgumentException("targets must be a defined tensor");
        }
        if (dtype(targets) != ScalarType.Long) {
            throw new IllegalArgumentException("targets dtype = " + dtype(targets) + " must be int64 (Long)");
        }
        if (targets.is_cuda() != logits.is_cuda()
                || (logits.is_cuda() && targets.device().index() != logits.device().index())) {
            throw new IllegalArgumentException("targets device = " + deviceName(targets)
                    + " differs from logits device = " + deviceName(logits));
        }
        final long[] want = layout.leadingShape();
        boolean same = targets.dim() == want.length;
        for (int d = 0; same && d < want.length; d++) {
            same = targets.size(d) == want[d];
        }
        if (!same) {
            throw new IllegalArgumentException("targets shape = " + shape(targets) + " must be the logits shape without its last dimension, "
                    + java.util.Arrays.toString(want));
        }
        if (!targets.is_contiguous()) {
            throw new IllegalArgumentException("targets must be contiguous (call contiguous() first)");
        }
    }

    /** The tensor's dtype as the canonical enum constant (JavaCPP hands out uninterned copies). */
    static ScalarType dtype(Tensor t) {
        return t.scalar_type().intern();
    }

    static long[] sizes(Tensor t) {
        final long[] s = new long[(int) t.dim()];
        for (int d = 0; d < s.length; d++) {
            s[d] = t.size(d);
        }
        return s;
    }

    static String shape(Tensor t) {
        return java.util.Arrays.toString(sizes(t));
    }

    private static String strides(Tensor t) {
        final long[] s = new long[(int) t.dim()];
        for (int d = 0; d < s.length; d++) {
            s[d] = t.stride(d);
        }
        return java.util.Arrays.toString(s);
    }

    private static String deviceName(Tensor t) {
        return t.device().str().getString();
    }
}
