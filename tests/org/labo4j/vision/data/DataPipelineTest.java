package org.labo4j.vision.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.labo4j.util.SeededRandom;

class DataPipelineTest {
    /** 100 images of 4x4 whose pixel values encode the image index, labels i % 10. */
    private static ImageDataset indexed(int count) {
        byte[] pixels = new byte[count * 16];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            Arrays.fill(pixels, i * 16, i * 16 + 16, (byte) i);
            labels[i] = (byte) (i % 10);
        }
        return new ImageDataset("indexed", 4, 4, 10, pixels, labels);
    }

    @Test
    void seededRandomIsReproducibleAndUniformEnough() {
        SeededRandom a = new SeededRandom(7);
        SeededRandom b = new SeededRandom(7);
        int[] counts = new int[10];
        for (int i = 0; i < 100_000; i++) {
            int x = a.nextInt(10);
            assertEquals(x, b.nextInt(10));
            counts[x]++;
        }
        for (int c : counts) {
            assertTrue(Math.abs(c - 10_000) < 500, Arrays.toString(counts));
        }
        assertNotEquals(SeededRandom.derive(1, 0, 1), SeededRandom.derive(1, 1, 0));
        int[] p = new SeededRandom(3).permutation(1000);
        assertArrayEquals(java.util.stream.IntStream.range(0, 1000).toArray(), Arrays.stream(p).sorted().toArray());
    }

    @Test
    void validationSplitIsDisjointCompleteAndFixedBySeed() {
        ImageDataset full = indexed(100);
        TrainValidationSplit split = TrainValidationSplit.carve(full, 20, 42);
        assertEquals(80, split.train().size());
        assertEquals(20, split.validation().size());
        Set<Integer> seen = new HashSet<>();
        for (ImageDataset part : new ImageDataset[] {split.train(), split.validation()}) {
            for (int i = 0; i < part.size(); i++) {
                assertTrue(seen.add(part.pixel(i, 0, 0)), "image used twice");
                assertEquals(part.pixel(i, 0, 0) % 10, part.label(i), "label travelled with its image");
            }
        }
        assertEquals(100, seen.size());
        TrainValidationSplit again = TrainValidationSplit.carve(full, 20, 42);
        assertArrayEquals(split.validation().pixelBytes(), again.validation().pixelBytes());
        TrainValidationSplit other = TrainValidationSplit.carve(full, 20, 43);
        assertFalse(Arrays.equals(split.validation().pixelBytes(), other.validation().pixelBytes()));
    }

    @Test
    void cropShiftsWithZeroFillAndFlipMirrors() {
        // A 3x3 image 1..9; with padding 1 every crop is a shift by at most one pixel.
        byte[] image = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        RandomCropFlip crop = new RandomCropFlip(1, true);
        byte[] out = new byte[9];
        Set<String> variants = new HashSet<>();
        SeededRandom rng = new SeededRandom(5);
        for (int i = 0; i < 2000; i++) {
            crop.apply(image, 0, 3, 3, out, rng);
            variants.add(Arrays.toString(out));
            int zeros = 0;
            for (byte b : out) {
                zeros += b == 0 ? 1 : 0;
            }
            assertTrue(zeros == 0 || zeros == 3 || zeros == 5, "shift fills whole rows/columns with 0");
        }
        // 3 x 3 offsets, times flip or not.
        assertEquals(18, variants.size());
        assertTrue(variants.contains(Arrays.toString(new byte[] {3, 2, 1, 6, 5, 4, 9, 8, 7})), "pure mirror");
        assertTrue(variants.contains(Arrays.toString(new byte[] {0, 0, 0, 1, 2, 3, 4, 5, 6})), "shift down");
    }

    @Test
    void batchesAreNormalizedTensorsWithLabels() {
        ImageDataset data = indexed(100);
        Normalization norm = new Normalization(0.5, 0.25);
        ShuffledBatches batches = new ShuffledBatches(data, 32, 9, new BatchAssembler(norm, null));
        assertEquals(3, batches.stepsPerEpoch(), "the incomplete fourth batch is dropped");
        try (Batch batch = batches.batch(0, 1)) {
            assertArrayEquals(new long[] {32, 1, 4, 4}, batch.images().shape());
            assertEquals(ScalarType.Float, batch.images().scalar_type().intern());
            assertArrayEquals(new long[] {32}, batch.labels().shape());
            assertEquals(ScalarType.Long, batch.labels().scalar_type().intern());
            float[] pixels = new float[32 * 16];
            long[] labels = new long[32];
            ((FloatBuffer) batch.images().createBuffer()).get(pixels);
            ((LongBuffer) batch.labels().createBuffer()).get(labels);
            for (int i = 0; i < 32; i++) {
                // Undo normalization to recover the image index, then check its label.
                int index = Math.round((float) ((pixels[i * 16] * 0.25 + 0.5) * 255));
                assertEquals(index % 10, labels[i]);
            }
        }
    }

    @Test
    void epochOrderIsAPermutationFixedBySeedAndEpoch() {
        ImageDataset data = indexed(100);
        ShuffledBatches a = new ShuffledBatches(data, 10, 1, new BatchAssembler(new Normalization(0, 1), null));
        ShuffledBatches b = new ShuffledBatches(data, 10, 1, new BatchAssembler(new Normalization(0, 1), null));
        int[] epoch0 = a.order(0).clone();
        int[] epoch1 = a.order(1).clone();
        assertArrayEquals(epoch0, b.order(0));
        assertFalse(Arrays.equals(epoch0, epoch1));
        assertArrayEquals(java.util.stream.IntStream.range(0, 100).toArray(), Arrays.stream(epoch1).sorted().toArray());
    }

    @Test
    void augmentedBatchesRepeatForTheSameEpochAndStep() {
        ImageDataset data = indexed(64);
        BatchAssembler augmenting = new BatchAssembler(new Normalization(0, 1), new RandomCropFlip(1, true));
        ShuffledBatches a = new ShuffledBatches(data, 16, 3, augmenting);
        ShuffledBatches b = new ShuffledBatches(data, 16, 3, augmenting);
        try (Batch x = a.batch(2, 1); Batch y = b.batch(2, 1); Batch z = b.batch(3, 1)) {
            float[] px = new float[16 * 16];
            float[] py = new float[16 * 16];
            float[] pz = new float[16 * 16];
            ((FloatBuffer) x.images().createBuffer()).get(px);
            ((FloatBuffer) y.images().createBuffer()).get(py);
            ((FloatBuffer) z.images().createBuffer()).get(pz);
            assertArrayEquals(px, py);
            assertFalse(Arrays.equals(px, pz));
        }
    }

    @Test
    void sequentialBatchesCoverEveryImageOnce() {
        ImageDataset data = indexed(25);
        SequentialBatches batches = new SequentialBatches(data, 10, new Normalization(0, 1));
        assertEquals(3, batches.count());
        try (Batch last = batches.batch(2)) {
            assertEquals(5, last.size());
            assertArrayEquals(new long[] {5, 1, 4, 4}, last.images().shape());
        }
    }
}
