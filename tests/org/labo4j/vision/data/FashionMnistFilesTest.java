package org.labo4j.vision.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.zip.CRC32;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The loader on the real Fashion-MNIST files (Debian package dataset-fashion-mnist).
 *
 * <p>The pinned checksums were computed once, independently of this loader, with Python's standard
 * library over the decompressed payload (the bytes after the 16-byte image / 8-byte label header):
 * <pre>
 *   b = gzip.open(f).read()[16:]          # [8:] for labels
 *   print(len(b), sum(b), '%08x' % zlib.crc32(b))
 * </pre>
 * The normalization constants are exact: mean and population std of the training pixels / 255 from
 * the integer sums {@code sum(b) = 3431114169} and {@code sum(x*x for x in b) = 631470052347}.
 */
class FashionMnistFilesTest {
    private static ImageDataset train;
    private static ImageDataset test;

    @BeforeAll
    static void load() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIRECTORY),
                "Fashion-MNIST not installed in " + FashionMnist.DEFAULT_DIRECTORY + " (apt-get install dataset-fashion-mnist)");
        train = FashionMnist.loadTrain(FashionMnist.DEFAULT_DIRECTORY);
        test = FashionMnist.loadTest(FashionMnist.DEFAULT_DIRECTORY);
    }

    @Test
    void shapesAreThePublishedOnes() {
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        for (ImageDataset d : new ImageDataset[] {train, test}) {
            assertEquals(28, d.height());
            assertEquals(28, d.width());
            assertEquals(10, d.numClasses());
        }
    }

    @Test
    void labelsCoverTheTenClassesEvenly() {
        int[] expectedTrain = new int[10];
        Arrays.fill(expectedTrain, 6_000);
        int[] expectedTest = new int[10];
        Arrays.fill(expectedTest, 1_000);
        assertArrayEquals(expectedTrain, train.classCounts());
        assertArrayEquals(expectedTest, test.classCounts());
        assertEquals(0, Arrays.stream(train.labels()).min().getAsInt());
        assertEquals(9, Arrays.stream(train.labels()).max().getAsInt());
    }

    @Test
    void pixelChecksumsMatchTheFiles() {
        assertChecksum(train.pixelBytes(), 47_040_000, 3_431_114_169L, 0xae65dccdL);
        assertChecksum(test.pixelBytes(), 7_840_000, 573_469_082L, 0x12728439L);
    }

    @Test
    void labelChecksumsMatchTheFiles() {
        assertEquals(270_000, Arrays.stream(train.labels()).sum());
        assertEquals(45_000, Arrays.stream(test.labels()).sum());
    }

    @Test
    void pinnedNormalizationIsTheMeasuredOne() {
        Normalization measured = Normalization.measure(train);
        assertEquals(0.2860405969887955, measured.mean(), 1e-12);
        assertEquals(0.3530242445149226, measured.std(), 1e-12);
        assertEquals(measured.mean(), FashionMnist.TRAIN_NORMALIZATION.mean(), 1e-8);
        assertEquals(measured.std(), FashionMnist.TRAIN_NORMALIZATION.std(), 1e-8);
    }

    private static void assertChecksum(byte[] bytes, int length, long sum, long crc) {
        assertEquals(length, bytes.length);
        long total = 0;
        for (byte b : bytes) {
            total += b & 0xff;
        }
        assertEquals(sum, total);
        CRC32 crc32 = new CRC32();
        crc32.update(bytes);
        assertEquals(crc, crc32.getValue());
    }
}
