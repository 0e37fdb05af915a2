package org.labo4j.train;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.TensorVector;

/** The size of a model as reports and summaries quote it, counted the same way for every task. */
public final class ParameterCount {
    private ParameterCount() {
    }

    /** Number of trainable scalars of {@code model}; a parameter shared by several submodules counts once. */
    public static long of(Module model) {
        long total = 0;
        TensorVector parameters = model.parameters();
        for (long i = 0; i < parameters.size(); i++) {
            total += parameters.get(i).numel();
        }
        return total;
    }
}
