package org.labo4j.vision.model;

import static org.bytedeco.pytorch.global.torch.adaptive_avg_pool2d;
import static org.bytedeco.pytorch.global.torch.relu;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * ResNet-18 for small images: the ImageNet network's four stages of two basic blocks (64, 128, 256,
 * 512 channels) behind a 3x3 stride-1 stem without max pooling, as is usual for 28x28 / 32x32 inputs
 * (a 7x7 stride-2 stem and pooling would shrink 28x28 to 7x7 before the first block). 28x28 inputs
 * leave the stages at 28, 14, 7 and 4 pixels. About 11.2M parameters. Parameter names follow
 * torchvision ({@code layer2.0.downsample.0.weight}).
 */
public final class ResNet18 extends ImageClassifier {
    public static final String NAME = "resnet18";

    private static final int[] STAGE_CHANNELS = {64, 128, 256, 512};
    private static final int BLOCKS_PER_STAGE = 2;

    private final Conv2dImpl stem;
    private final BatchNorm2dImpl stemBn;
    private final BasicBlock[] blocks;
    /** The stage containers: Java must keep them reachable, or a GC frees them under the native module tree. */
    private final Module[] stages = new Module[STAGE_CHANNELS.length];
    private final LinearImpl classifier;

    public ResNet18(int inputChannels, int numClasses) {
        super(NAME, numClasses);
        stem = register_module("conv1", Layers.conv3x3(inputChannels, STAGE_CHANNELS[0], 1));
        stemBn = register_module("bn1", Layers.batchNorm(STAGE_CHANNELS[0]));
        blocks = new BasicBlock[STAGE_CHANNELS.length * BLOCKS_PER_STAGE];
        long channels = STAGE_CHANNELS[0];
        for (int stage = 0; stage < STAGE_CHANNELS.length; stage++) {
            Module layer = register_module("layer" + (stage + 1), new Module());
            stages[stage] = layer;
            for (int b = 0; b < BLOCKS_PER_STAGE; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                BasicBlock block = new BasicBlock(channels, STAGE_CHANNELS[stage], stride);
                blocks[stage * BLOCKS_PER_STAGE + b] = layer.register_module(Integer.toString(b), block);
                channels = STAGE_CHANNELS[stage];
            }
        }
        classifier = register_module("fc", new LinearImpl(channels, numClasses));
    }

    @Override
    public Tensor forward(Tensor images) {
        Tensor x = relu(stemBn.forward(stem.forward(images)));
        for (BasicBlock block : blocks) {
            x = block.forward(x);
        }
        x = adaptive_avg_pool2d(x, 1, 1).flatten(1, -1);
        return classifier.forward(x);
    }
}
