package org.labo4j.vision.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.labo4j.vision.data.FashionMnist;
import org.labo4j.vision.data.ImageDataset;
import org.labo4j.vision.data.SequentialBatches;

/** Each evaluation batch's tensors are freed before the next batch, even inside an enclosing scope. */
class EvaluationPassTest {
    private static SequentialBatches batches(int images, int batchSize) {
        byte[] labels = new byte[images];
        for (int i = 0; i < images; i++) {
            labels[i] = (byte) (i % 10);
        }
        ImageDataset dataset = new ImageDataset("tiny", 28, 28, 10, new byte[images * 28 * 28], labels);
        return new SequentialBatches(dataset, batchSize, FashionMnist.TRAIN_NORMALIZATION);
    }

    @Test
    @SuppressWarnings("try") // the enclosing scope stands for a caller's, as in SmoothingReport
    void tensorsOfABatchAreFreedBeforeTheNextBatchInsideAnEnclosingScope() {
        List<Tensor> earlier = new ArrayList<>();
        List<Integer> indices = new ArrayList<>();
        try (PointerScope callersScope = new PointerScope()) {
            EvaluationPass.run(batches(25, 10), (index, batch) -> {
                for (Tensor t : earlier) {
                    assertTrue(t.isNull(), "a tensor of an earlier batch is still allocated in batch " + index);
                }
                Tensor made = batch.images().add(batch.images());
                assertFalse(made.isNull());
                earlier.add(made);
                earlier.add(batch.images());
                earlier.add(batch.labels());
                indices.add(index);
            });
            for (Tensor t : earlier) {
                assertTrue(t.isNull(), "the last batch's tensors outlive the pass");
            }
        }
        assertEquals(List.of(0, 1, 2), indices);
    }

    @Test
    void abandonStopsBetweenBatchesAndSaysSo() {
        List<Integer> indices = new ArrayList<>();
        boolean complete = EvaluationPass.run(batches(50, 10), () -> indices.size() == 2,
                (index, batch) -> indices.add(index));
        assertFalse(complete);
        assertEquals(List.of(0, 1), indices);
        assertTrue(EvaluationPass.run(batches(50, 10), () -> false, (index, batch) -> indices.add(index)));
        assertEquals(7, indices.size());
    }
}
