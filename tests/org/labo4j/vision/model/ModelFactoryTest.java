package org.labo4j.vision.model;

import static org.bytedeco.pytorch.global.torch.equal;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class ModelFactoryTest {
    @Test
    @SuppressWarnings("try") // resources held for their scope only
    void smallCnnMapsImagesToLogits() {
        ImageClassifier model = ModelFactory.create("small-cnn", 1, 28, 10);
        assertEquals(SmallCnn.NAME, model.architecture());
        // conv 288 + bn 64 + conv 18432 + bn 128 + hidden 3136*128+128 + classifier 128*10+10
        assertEquals(288 + 64 + 18432 + 128 + 401536 + 1290, model.parameterCount());
        try (NoGradGuard g = new NoGradGuard()) {
            model.eval();
            assertArrayEquals(new long[] {3, 10}, model.forward(randn(3, 1, 28, 28)).shape());
        }
    }

    @Test
    @SuppressWarnings("try") // resources held for their scope only
    void resNet18SurvivesGarbageCollection() {
        // Container modules registered from Java must stay reachable, or a GC frees them under the model.
        ImageClassifier model = ModelFactory.create("resnet18", 1, 28, 10);
        for (int i = 0; i < 3; i++) {
            System.gc();
            System.runFinalization();
        }
        try (NoGradGuard g = new NoGradGuard()) {
            model.eval();
            assertArrayEquals(new long[] {2, 10}, model.forward(randn(2, 1, 28, 28)).shape());
        }
    }

    @Test
    @SuppressWarnings("try") // resources held for their scope only
    void resNet18HasTheUsualParametersAndTorchvisionNames() {
        ImageClassifier model = ModelFactory.create("resnet18", 1, 28, 10);
        // torchvision resnet18 has 11,689,512 parameters with a 7x7x3 stem and 1000 classes;
        // here the stem is 3x3x1 (576 instead of 9408 weights) and the head has 10 classes.
        long expected = 11_689_512L - 9408 + 576 - (512 * 1000 + 1000) + (512 * 10 + 10);
        assertEquals(expected, model.parameterCount());
        StringTensorDict named = model.named_parameters(true);
        boolean found = false;
        for (long i = 0; i < named.size(); i++) {
            found |= named.get(i).key().getString().equals("layer2.0.downsample.0.weight");
        }
        assertTrue(found, "torchvision-style parameter names");
        try (NoGradGuard g = new NoGradGuard()) {
            model.eval();
            assertArrayEquals(new long[] {2, 10}, model.forward(randn(2, 1, 28, 28)).shape());
        }
    }

    @Test
    void sameSeedGivesSameInitialWeights() {
        manual_seed(5);
        ImageClassifier a = ModelFactory.create("small-cnn", 1, 28, 10);
        manual_seed(5);
        ImageClassifier b = ModelFactory.create("small-cnn", 1, 28, 10);
        Tensor wa = a.parameters().get(0);
        Tensor wb = b.parameters().get(0);
        assertTrue(equal(wa, wb));
    }

    /** In training mode the default dropout makes two forwards of one batch differ; dropout 0 does not. */
    @Test
    @SuppressWarnings("try") // resources held for their scope only
    void dropoutIsTheModelsOwnSetting() {
        Tensor images = randn(4, 1, 28, 28);
        try (NoGradGuard g = new NoGradGuard()) {
            ImageClassifier withDropout = ModelFactory.create("small-cnn", 1, 28, 10);
            withDropout.train(true);
            assertFalse(equal(withDropout.forward(images), withDropout.forward(images)), "default dropout 0.3");
            ImageClassifier without = ModelFactory.create("small-cnn", 1, 28, 10, 0.0);
            without.train(true);
            assertTrue(equal(without.forward(images), without.forward(images)), "dropout 0");
        }
        for (double bad : new double[] {-0.1, 1.0, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ModelFactory.create("small-cnn", 1, 28, 10, bad));
            assertTrue(e.getMessage().contains("dropout"), e.getMessage());
        }
    }

    @Test
    void unknownNameIsRefusedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFactory.create("vgg", 1, 28, 10));
        assertTrue(e.getMessage().contains("small-cnn") && e.getMessage().contains("resnet18"), e.getMessage());
    }
}
