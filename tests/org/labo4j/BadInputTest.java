package org.labo4j;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every documented bad input raises IllegalArgumentException naming the argument and its value; none reaches a kernel unchecked. */
class BadInputTest {
    private final LabelRegularizer labo = LabelRegularizer.labo().build();

    private static Tensor logits(int rows, int vocab) {
        return TestTensors.floats(new float[rows * vocab], rows, vocab);
    }

    private static Tensor targets(long... y) {
        return TestTensors.longs(y, y.length);
    }

    private static void rejects(Executable call, String... mustMention) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String word : mustMention) {
            assertTrue(e.getMessage().contains(word), () -> "message '" + e.getMessage() + "' should mention " + word);
        }
    }

    @Test
    void builderArgumentsOutOfRange() {
        rejects(() -> LabelRegularizer.labelSmoothing(1.0), "alpha", "1.0");
        rejects(() -> LabelRegularizer.labelSmoothing(-0.1), "alpha", "-0.1");
        rejects(() -> LabelRegularizer.labelSmoothing(Double.NaN), "alpha", "NaN");
        rejects(() -> Temperature.fixed(0), "temperature", "0");
        rejects(() -> Temperature.fixed(-2), "temperature", "-2");
        rejects(() -> Temperature.fixed(Double.POSITIVE_INFINITY), "temperature", "Infinity");
        rejects(() -> Temperature.budget(1.5), "kappa", "1.5");
        rejects(() -> Temperature.budget(-0.01), "kappa", "-0.01");
        rejects(() -> LabelRegularizer.crossEntropy().alpha(0.1), "alpha");
        rejects(() -> LabelRegularizer.labelSmoothing(0.1).temperature(Temperature.fixed(1)), "temperature");
        rejects(() -> LabelRegularizer.labo().numThreads(-1), "numThreads", "-1");
    }

    @Test
    void wrongDtypes() {
        rejects(() -> labo.apply(logits(2, 3).to(ScalarType.Double), targets(0, 1)), "logits dtype", "Double");
        rejects(() -> labo.apply(logits(2, 3), targets(0, 1).to(ScalarType.Int)), "targets dtype", "Int");
    }

    @Test
    void wrongRanksAndShapes() {
        rejects(() -> labo.apply(logits(2, 3).reshape(6), targets(0, 1)), "logits rank", "1");
        rejects(() -> labo.apply(logits(2, 3).reshape(1, 1, 2, 3), targets(0, 1)), "logits rank", "4");
        rejects(() -> labo.apply(logits(3, 1), targets(0, 0, 0)), "vocab", "1");
        rejects(() -> labo.apply(logits(2, 3), targets(0, 1, 2)), "targets shape", "[3]");
        rejects(() -> labo.apply(logits(6, 3).reshape(2, 3, 3), targets(0, 1)), "targets shape");
    }

    @Test
    void nonContiguousRows() {
        final Tensor transposed = logits(4, 3).t();  // [3, 4] with stride 1 along dim 0
        rejects(() -> labo.apply(transposed, targets(0, 1, 2)), "contiguous");
        final Tensor big = logits(4, 6);
        final Tensor everyOtherColumn = big.narrow(1, 0, 6).reshape(4, 3, 2).select(2, 0);  // stride 2 in the last dim
        rejects(() -> labo.apply(everyOtherColumn, targets(0, 1, 2, 0)), "contiguous");
        rejects(() -> labo.apply(logits(3, 3), targets(0, 1, 2, 0, 1, 2).reshape(3, 2).select(1, 0)), "targets must be contiguous");
    }

    @Test
    void targetsOutOfRange() {
        rejects(() -> labo.apply(logits(3, 5), targets(0, 5, 1)), "targets[1]", "5");
        rejects(() -> labo.apply(logits(3, 5), targets(0, 1, -1)), "targets[2]", "-1");
        rejects(() -> LabelRegularizer.crossEntropy().build().apply(logits(2, 5), targets(1, Long.MAX_VALUE)), "targets[1]");
    }

    @Test
    void undefinedTensors() {
        rejects(() -> labo.apply(new Tensor(), targets(0)), "logits");
        rejects(() -> labo.apply(logits(1, 3), new Tensor()), "targets");
    }
}
