package org.labo4j.vision.model;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;

/** Builders for the layer shapes the models use, hiding the presets' option plumbing. */
final class Layers {
    private Layers() {
    }

    /** A square convolution with "same" padding for odd kernels at stride 1. */
    static Conv2dImpl conv(long in, long out, int kernel, int stride, boolean bias) {
        Conv2dOptions options = new Conv2dOptions(in, out, new LongPointer(kernel, kernel));
        options.stride().put(0, stride).put(1, stride);
        options.padding().put(new LongPointer(kernel / 2L, kernel / 2L));
        options.bias().put(bias);
        return new Conv2dImpl(options);
    }

    /** A 3x3 convolution without bias: the batch norm that follows has its own shift. */
    static Conv2dImpl conv3x3(long in, long out, int stride) {
        return conv(in, out, 3, stride, false);
    }

    /** A 1x1 projection without bias, for residual shortcuts that change shape. */
    static Conv2dImpl conv1x1(long in, long out, int stride) {
        return conv(in, out, 1, stride, false);
    }

    static BatchNorm2dImpl batchNorm(long channels) {
        return new BatchNorm2dImpl(new BatchNormOptions(channels));
    }
}
