package org.labo4j.vision.model;

import static org.bytedeco.pytorch.global.torch.dropout;
import static org.bytedeco.pytorch.global.torch.max_pool2d;
import static org.bytedeco.pytorch.global.torch.relu;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;

/**
 * A small CNN for 28x28 grey images: two conv(3x3)-batchnorm-ReLU-maxpool(2) blocks (32 and 64
 * channels), dropout, a 128-unit hidden layer and a linear classifier. About 420k parameters; fast
 * enough to train on a laptop CPU in minutes.
 */
public final class SmallCnn extends ImageClassifier {
    public static final String NAME = "small-cnn";

    private final Conv2dImpl conv1;
    private final BatchNorm2dImpl bn1;
    private final Conv2dImpl conv2;
    private final BatchNorm2dImpl bn2;
    private final LinearImpl hidden;
    private final LinearImpl classifier;
    private final double dropoutProbability;

    public SmallCnn(int inputChannels, int imageSize, int numClasses, double dropoutProbability) {
        super(NAME, numClasses);
        if (imageSize % 4 != 0) {
            throw new IllegalArgumentException("image size must be divisible by 4 (two 2x2 poolings), got " + imageSize);
        }
        this.dropoutProbability = dropoutProbability;
        conv1 = register_module("conv1", Layers.conv3x3(inputChannels, 32, 1));
        bn1 = register_module("bn1", Layers.batchNorm(32));
        conv2 = register_module("conv2", Layers.conv3x3(32, 64, 1));
        bn2 = register_module("bn2", Layers.batchNorm(64));
        long flattened = 64L * (imageSize / 4) * (imageSize / 4);
        hidden = register_module("hidden", new LinearImpl(flattened, 128));
        classifier = register_module("classifier", new LinearImpl(128, numClasses));
    }

    @Override
    public Tensor forward(Tensor images) {
        Tensor x = max_pool2d(relu(bn1.forward(conv1.forward(images))), 2, 2);
        x = max_pool2d(relu(bn2.forward(conv2.forward(x))), 2, 2);
        x = dropout(x.flatten(1, -1), dropoutProbability, is_training());
        x = relu(hidden.forward(x));
        return classifier.forward(x);
    }
}
