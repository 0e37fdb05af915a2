package org.labo4j.translation.train;

import static org.bytedeco.pytorch.global.torch.allclose;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.rand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labo4j.translation.model.TransformerConfig;
import org.labo4j.translation.model.TranslationTransformer;

class EpochWeightsTest {
    @TempDir
    Path run;

    private static TranslationTransformer tiny() {
        return new TranslationTransformer(new TransformerConfig(30, 30, 16, 2, 32, 1, 1, 0.1, true, true, 16));
    }

    /** Every parameter of {@code model} drawn fresh from {@code random}; returns copies of them. */
    @SuppressWarnings("try") // guard held for its scope only
    private static Tensor[] perturb(TranslationTransformer model, SplittableRandom random) {
        TensorVector parameters = model.parameters();
        Tensor[] copies = new Tensor[(int) parameters.size()];
        try (NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < copies.length; i++) {
                parameters.get(i).uniform_(-random.nextDouble(), random.nextDouble(), new GeneratorOptional());
                copies[i] = parameters.get(i).clone();
            }
        }
        return copies;
    }

    @Test
    void keepsTheNewestSnapshotsAndAveragesThem() throws IOException {
        SplittableRandom random = new SplittableRandom();
        TranslationTransformer model = tiny();
        Tensor[][] weights = new Tensor[5][];
        for (int epoch = 1; epoch <= 5; epoch++) {
            weights[epoch - 1] = perturb(model, random);
            EpochWeights.save(run, epoch, model, 3);
        }
        List<Path> kept = EpochWeights.snapshots(run);
        assertEquals(List.of("epoch-003.pt", "epoch-004.pt", "epoch-005.pt"),
                kept.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(kept.subList(1, 3), EpochWeights.latest(run, 2));
        assertEquals(kept, EpochWeights.latest(run, 10));

        TranslationTransformer averaged = tiny();
        manual_seed(9);
        Tensor expectedDraw = rand(4);
        manual_seed(9);
        EpochWeights.loadAverage(EpochWeights.latest(run, 2), averaged);
        assertTrue(allclose(expectedDraw, rand(4), 0, 0, false), "the global generator is left as it was");
        TensorVector parameters = averaged.parameters();
        for (int i = 0; i < parameters.size(); i++) {
            Tensor mean = weights[3][i].add(weights[4][i]).div(new Scalar(2.0));
            assertTrue(allclose(mean, parameters.get(i), 1e-6, 1e-7, false), "parameter " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> EpochWeights.loadAverage(List.of(), averaged));
    }

    @Test
    void aRunWithoutSnapshotsHasNone() throws IOException {
        assertEquals(List.of(), EpochWeights.snapshots(run));
        assertEquals(List.of(), EpochWeights.latest(run, 5));
    }
}
