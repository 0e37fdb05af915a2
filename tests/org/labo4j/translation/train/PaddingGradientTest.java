package org.labo4j.translation.train;

import static org.bytedeco.pytorch.global.torch.cat;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labo4j.LabelRegularizer;
import org.labo4j.Loss;
import org.labo4j.Temperature;
import org.labo4j.train.CutLoss;
import org.labo4j.train.TorchCrossEntropyLoss;
import org.labo4j.translation.batch.EncodedPair;
import org.labo4j.translation.batch.TranslationBatch;
import org.labo4j.translation.model.TransformerConfig;
import org.labo4j.translation.model.TranslationTransformer;
import org.labo4j.translation.tokenize.SpecialTokens;

/**
 * Padding through the trainer's loss path ({@link CutLoss} on a Transformer's logits): padded target
 * positions get exactly zero gradient, and the mean runs over the real target tokens only, for every
 * loss the trainer can be given, fused or libtorch.
 */
class PaddingGradientTest {
    private static final int VOCABULARY = 30;
    private static final double ALPHA = 0.1;

    private static TranslationTransformer model;
    private static TranslationBatch batch;
    private static Tensor logits;

    @BeforeAll
    static void forward() {
        set_num_threads(1);
        manual_seed(3);
        model = new TranslationTransformer(new TransformerConfig(VOCABULARY, VOCABULARY, 16, 2, 32, 1, 1, 0.0, true,
                true, 32));
        // Target lengths 7, 2 and 4: rows 2 and 3 of the batch end in padding.
        batch = TranslationBatch.of(List.of(
                new EncodedPair(new int[] {5, 6, 7}, new int[] {8, 9, 10, 11, 12, 13, 14}),
                new EncodedPair(new int[] {15, 16, 17, 18, 19}, new int[] {20, 21}),
                new EncodedPair(new int[] {22}, new int[] {23, 24, 25, 26})), new int[] {0, 1, 2});
        logits = model.forward(batch.source(), batch.targetInput());
    }

    private static List<Loss> losses() {
        return List.of(LabelRegularizer.crossEntropy().ignoreIndex(SpecialTokens.PAD).build(),
                LabelRegularizer.labelSmoothing(ALPHA).ignoreIndex(SpecialTokens.PAD).build(),
                LabelRegularizer.labo().alpha(ALPHA).temperature(Temperature.budget(0.5))
                        .ignoreIndex(SpecialTokens.PAD).build(),
                LabelRegularizer.labo().alpha(ALPHA).temperature(Temperature.fixed(2.0))
                        .ignoreIndex(SpecialTokens.PAD).build(),
                new TorchCrossEntropyLoss(0, SpecialTokens.PAD),
                new TorchCrossEntropyLoss(ALPHA, SpecialTokens.PAD));
    }

    @Test
    void paddedPositionsGetExactlyZeroGradientAndRealOnesDoNot() {
        long[] targets = longs(batch.targetOutput());
        long padded = 0;
        for (long t : targets) {
            padded += t == SpecialTokens.PAD ? 1 : 0;
        }
        assertEquals(5 + 3, padded, "rows 2 and 3 are padded to the longest target");
        for (Loss loss : losses()) {
            double[] gradient = doubles(new CutLoss(loss).apply(logits, batch.targetOutput()).logitsGradient());
            assertEquals(targets.length * VOCABULARY, gradient.length);
            for (int row = 0; row < targets.length; row++) {
                double largest = 0;
                for (int k = 0; k < VOCABULARY; k++) {
                    largest = Math.max(largest, Math.abs(gradient[row * VOCABULARY + k]));
                }
                if (targets[row] == SpecialTokens.PAD) {
                    assertEquals(0.0, largest, 0.0, loss + ": padded position " + row + " has a gradient");
                } else {
                    assertTrue(largest > 1e-4, loss + ": real position " + row + " has no gradient");
                }
            }
        }
    }

    /** The loss and its gradient against a float64 computation that averages over real tokens only. */
    @Test
    void theMeanCountsRealTargetTokensOnly() {
        long[] targets = longs(batch.targetOutput());
        double[] z = doubles(logits);
        long real = batch.targetTokens();
        assertEquals(7 + 1 + 2 + 1 + 4 + 1, real);
        for (double alpha : new double[] {0, ALPHA}) {
            double expected = 0;
            double[] expectedGradient = new double[z.length];
            for (int row = 0; row < targets.length; row++) {
                if (targets[row] == SpecialTokens.PAD) {
                    continue;
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < VOCABULARY; k++) {
                    max = Math.max(max, z[row * VOCABULARY + k]);
                }
                double sum = 0;
                double mean = 0;
                for (int k = 0; k < VOCABULARY; k++) {
                    sum += Math.exp(z[row * VOCABULARY + k] - max);
                    mean += z[row * VOCABULARY + k] / VOCABULARY;
                }
                double lse = max + Math.log(sum);
                double nll = lse - z[row * VOCABULARY + (int) targets[row]];
                expected += ((1 - alpha) * nll + alpha * (lse - mean)) / real;
                for (int k = 0; k < VOCABULARY; k++) {
                    double q = (k == targets[row] ? 1 - alpha : 0) + alpha / VOCABULARY;
                    expectedGradient[row * VOCABULARY + k] = (Math.exp(z[row * VOCABULARY + k] - lse) - q) / real;
                }
            }
            for (Loss loss : List.<Loss>of(
                    (alpha == 0 ? LabelRegularizer.crossEntropy() : LabelRegularizer.labelSmoothing(alpha))
                            .ignoreIndex(SpecialTokens.PAD).build(),
                    new TorchCrossEntropyLoss(alpha, SpecialTokens.PAD))) {
                CutLoss.Result result = new CutLoss(loss).apply(logits, batch.targetOutput());
                assertEquals(expected, result.value(), 1e-5 * Math.abs(expected), loss.toString());
                double[] gradient = doubles(result.logitsGradient());
                for (int i = 0; i < gradient.length; i++) {
                    assertEquals(expectedGradient[i], gradient[i], 1e-6, loss + ": gradient entry " + i);
                }
            }
        }
    }

    /** More padding on the target side changes neither the loss nor the real positions' gradient. */
    @Test
    void extraPaddingChangesNothing() {
        Tensor targets = batch.targetOutput();
        Tensor extraLogits = randn(targets.size(0), 5, VOCABULARY).mul(new Scalar(4.0));
        Tensor longerLogits = cat(new TensorVector(logits.detach(), extraLogits), 1);
        Tensor longerTargets = cat(new TensorVector(targets, targets.new_zeros(new long[] {targets.size(0), 5})), 1);
        for (Loss loss : losses()) {
            CutLoss.Result plain = new CutLoss(loss).apply(logits, targets);
            CutLoss.Result longer = new CutLoss(loss).apply(longerLogits, longerTargets);
            assertEquals(plain.value(), longer.value(), 1e-6 * Math.abs(plain.value()), loss.toString());
            double[] a = doubles(plain.logitsGradient());
            double[] b = doubles(longer.logitsGradient().narrow(1, 0, targets.size(1)));
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-7, loss + ": gradient entry " + i);
            }
            double[] extra = doubles(longer.logitsGradient().narrow(1, targets.size(1), 5));
            for (double g : extra) {
                assertEquals(0.0, g, 0.0, loss + ": gradient on added padding");
            }
        }
    }

    /**
     * Pushed on through a model with separate, untied tables, the gradient leaves the padding embeddings
     * untouched: padded decoder inputs and sources add nothing. (With a tied output projection the
     * padding row is also the padding class's output weights, which the softmax does train.)
     */
    @Test
    void thePaddingEmbeddingsGetNoGradientThroughTheModel() {
        manual_seed(4);
        TranslationTransformer untied = new TranslationTransformer(new TransformerConfig(VOCABULARY, VOCABULARY, 16, 2,
                32, 1, 1, 0.0, false, false, 32));
        Tensor fresh = untied.forward(batch.source(), batch.targetInput());
        CutLoss.Result result = new CutLoss(LabelRegularizer.labo().alpha(ALPHA).ignoreIndex(SpecialTokens.PAD)
                .build()).apply(fresh, batch.targetOutput());
        fresh.backward(result.logitsGradient(), new BoolOptional(), false, new TensorArrayRefOptional());
        StringTensorDict parameters = untied.named_parameters(true);
        int checked = 0;
        for (long i = 0; i < parameters.size(); i++) {
            String name = parameters.get(i).key().getString();
            if (!name.endsWith("_embedding.weight")) {
                continue;
            }
            Tensor gradient = parameters.get(i).value().grad();
            assertTrue(gradient.defined(), "no gradient for " + name);
            for (double g : doubles(gradient.select(0, SpecialTokens.PAD))) {
                assertEquals(0.0, g, 0.0, name + ": padding row");
            }
            double[] used = doubles(gradient.select(0, name.startsWith("source") ? 5 : 8));
            assertTrue(Arrays.stream(used).anyMatch(g -> g != 0), name + ": a used token's row");
            checked++;
        }
        assertEquals(2, checked, "source and target tables");
    }

    private static double[] doubles(Tensor t) {
        Tensor f = t.detach().to(ScalarType.Float).contiguous();
        float[] values = new float[(int) f.numel()];
        f.data_ptr_float().get(values);
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static long[] longs(Tensor t) {
        Tensor c = t.contiguous();
        long[] values = new long[(int) c.numel()];
        c.data_ptr_long().get(values);
        return values;
    }
}
