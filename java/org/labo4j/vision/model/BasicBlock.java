package org.labo4j.vision.model;

import static org.bytedeco.pytorch.global.torch.relu;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** The two-convolution residual block of ResNet-18/34 (He et al. 2016), with a 1x1 projection shortcut
 * where the shape changes. */
final class BasicBlock extends Module {
    private final Conv2dImpl conv1;
    private final BatchNorm2dImpl bn1;
    private final Conv2dImpl conv2;
    private final BatchNorm2dImpl bn2;
    private final Conv2dImpl shortcutConv;
    private final BatchNorm2dImpl shortcutBn;
    /** The shortcut container, held so that a GC does not free it under the native module tree. */
    private final Module downsample;

    BasicBlock(long in, long out, int stride) {
        conv1 = register_module("conv1", Layers.conv3x3(in, out, stride));
        bn1 = register_module("bn1", Layers.batchNorm(out));
        conv2 = register_module("conv2", Layers.conv3x3(out, out, 1));
        bn2 = register_module("bn2", Layers.batchNorm(out));
        if (stride != 1 || in != out) {
            // Named like torchvision's "downsample.0/1" so weights map one-to-one.
            downsample = register_module("downsample", new Module());
            shortcutConv = downsample.register_module("0", Layers.conv1x1(in, out, stride));
            shortcutBn = downsample.register_module("1", Layers.batchNorm(out));
        } else {
            downsample = null;
            shortcutConv = null;
            shortcutBn = null;
        }
    }

    Tensor forward(Tensor x) {
        Tensor y = relu(bn1.forward(conv1.forward(x)));
        y = bn2.forward(conv2.forward(y));
        Tensor shortcut = shortcutConv == null ? x : shortcutBn.forward(shortcutConv.forward(x));
        return relu(y.add(shortcut));
    }
}
